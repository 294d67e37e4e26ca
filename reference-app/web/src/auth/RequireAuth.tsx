import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from './AuthContext';

export interface LoginState {
  from?: { pathname: string; search: string; hash: string };
}

// Guards every route except /login and /verify*; the login page returns the user here.
export function RequireAuth() {
  const { user } = useAuth();
  const location = useLocation();
  if (user === null) {
    const state: LoginState = { from: { pathname: location.pathname, search: location.search, hash: location.hash } };
    return <Navigate to="/login" replace state={state} />;
  }
  return <Outlet />;
}
