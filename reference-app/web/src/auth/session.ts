// The session lives in localStorage under fixed keys so a saved browser storage state
// (Playwright storageState) restores a signed-in user.
import type { User } from '../api/types';

export const TOKEN_KEY = 'tagtrust.token';
export const USER_KEY = 'tagtrust.user';

export function readToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function readUser(): User | null {
  if (readToken() === null) return null;
  const raw = localStorage.getItem(USER_KEY);
  if (raw === null) return null;
  try {
    const user = JSON.parse(raw) as Partial<User> | null;
    // A hand-edited or stale value must not crash the layout.
    if (user && typeof user.email === 'string' && typeof user.role === 'string') return user as User;
  } catch {
    // fall through: treat as signed out
  }
  return null;
}

export function saveSession(token: string, user: User): void {
  localStorage.setItem(TOKEN_KEY, token);
  localStorage.setItem(USER_KEY, JSON.stringify(user));
}

export function clearSession(): void {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(USER_KEY);
}
