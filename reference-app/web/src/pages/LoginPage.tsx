import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../hooks/useAction';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import type { LoginState } from '../auth/RequireAuth';
import { useTitle } from '../hooks/useTitle';

export function LoginPage() {
  useTitle('Sign in');
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const from = (useLocation().state as LoginState | null)?.from;
  const emailId = useId();
  const passwordId = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction('Sign-in failed. Please try again.');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => signIn(email.trim(), password))) {
      // Back to the page that sent the user here (an expired session or a bookmark).
      const target = from && from.pathname !== '/login' ? `${from.pathname}${from.search}${from.hash}` : '/';
      navigate(target, { replace: true });
    }
  };

  return (
    <div className="auth-page">
      <section className="card auth-card" aria-labelledby="sign-in-heading">
        <h1 id="sign-in-heading">Sign in</h1>
        {from && <p className="muted">Please sign in to continue.</p>}
        {error && (
          <p className="alert alert-error" role="alert">
            {error}
          </p>
        )}
        {/* noValidate: the API is the one judge of credentials, and its message lands in the alert. */}
        <form className="form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={emailId}>Email</label>
            <input id={emailId} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={passwordId}>Password</label>
            <input
              id={passwordId}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            Sign in
          </button>
        </form>
        <p className="auth-aside">
          Checking a product? <Link to="/verify">Verify a tag without signing in</Link>.
        </p>
      </section>
    </div>
  );
}
