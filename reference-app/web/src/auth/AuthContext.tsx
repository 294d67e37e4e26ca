// Who is signed in, and the two ways to change it. localStorage is the source of truth at
// start-up (see session.ts); React state mirrors it while the app runs.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setUnauthorizedHandler } from '../api/client';
import { api } from '../api/tagtrust';
import type { Role, User } from '../api/types';
import { hasFault } from '../config';
import { clearSession, readUser, saveSession } from './session';

interface AuthValue {
  user: User | null;
  signIn: (email: string, password: string) => Promise<User>;
  signOut: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function hasRole(user: User | null, role: Role): boolean {
  return user !== null && (RANK[user.role] ?? -1) >= RANK[role];
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(readUser);

  useEffect(() => {
    // A 401 means the token expired or was revoked: drop it everywhere. RequireAuth then
    // sends the user to /login and remembers the page they were on.
    setUnauthorizedHandler(() => {
      clearSession();
      setUser(null);
    });
    return () => setUnauthorizedHandler(() => {});
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const res = await api.login(email, password);
    saveSession(res.token, res.user);
    setUser(res.user);
    return res.user;
  }, []);

  const signOut = useCallback(() => {
    // Fault signout_broken: the UI looks signed out, but the stored session survives a reload.
    if (!hasFault('signout_broken')) {
      // Ends the token on the server too, so a copy of it (another tab, a log) stops working.
      // Best effort: the session here is cleared whatever the answer.
      void api.logout().catch(() => {});
      clearSession();
    }
    setUser(null);
  }, []);

  const value = useMemo(() => ({ user, signIn, signOut }), [user, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
