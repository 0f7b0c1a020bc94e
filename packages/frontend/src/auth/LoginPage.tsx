import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Field } from '../components/Field';
import { ErrorLine } from '../components/FormErrors';
import { useAuth } from './AuthProvider';

export function LoginPage() {
  const { session, signInWithPassword, notice } = useAuth();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (session) return <Navigate to={from} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!email.includes('@')) return setError('Enter the e-mail address of your account.');
    if (!password) return setError('Enter your password.');
    setBusy(true);
    try {
      const message = await signInWithPassword(email.trim(), password);
      if (message) setError(message);
    } catch (cause) {
      setError(
        `Could not reach the sign-in service: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <form
        className="login-card"
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        aria-labelledby="login-title"
      >
        <h1 id="login-title">bot-mox</h1>
        <p className="muted">Sign in to the bot farm console.</p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <Field label="E-mail">
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
            />
          )}
        </Field>
        <Field label="Password">
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          )}
        </Field>
        <ErrorLine message={error} />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
