import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { hasRole, useAuth } from '../auth/AuthContext';
import { bundleBuild } from '../config';
import { Logo } from './Logo';

const navClass = ({ isActive }: { isActive: boolean }) => (isActive ? 'nav-link active' : 'nav-link');

export function Layout() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  const handleSignOut = () => {
    signOut();
    navigate('/login', { replace: true });
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to={user ? '/' : '/verify'} className="brand">
            <Logo />
            <span>TagTrust</span>
          </Link>
          {user && (
            <nav className="main-nav" aria-label="Main">
              <ul>
                <li>
                  <NavLink to="/" end className={navClass}>
                    Dashboard
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/tags" className={navClass}>
                    Tags
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/assets" className={navClass}>
                    Assets
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/verify" className={navClass}>
                    Verify
                  </NavLink>
                </li>
                {hasRole(user, 'admin') && (
                  <li>
                    <NavLink to="/audit" className={navClass}>
                      Audit
                    </NavLink>
                  </li>
                )}
              </ul>
            </nav>
          )}
          <div className="account">
            {user ? (
              <>
                <span className="account-email" data-testid="user-email">
                  {user.email}
                </span>
                <span className="role-badge">{user.role}</span>
                <button type="button" className="button button-ghost" onClick={handleSignOut}>
                  Sign out
                </button>
              </>
            ) : (
              pathname !== '/login' && (
                <Link to="/login" className="button button-ghost">
                  Sign in
                </Link>
              )
            )}
          </div>
        </div>
      </header>
      <main id="main" className="site-main" tabIndex={-1}>
        <div className="container">
          <Outlet />
        </div>
      </main>
      <footer className="site-footer">
        <div className="container footer-inner">
          <span>TagTrust tag registry</span>
          <span data-testid="build-id">{`Build ${bundleBuild}`}</span>
        </div>
      </footer>
    </div>
  );
}
