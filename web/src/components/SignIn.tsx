import { useState, type FormEvent } from 'react';
import { auth, publicApi } from '../demo.ts';
import { describeError } from '../errors.ts';

interface SignInProps {
  /** Why the previous session ended, if it did. */
  readonly ended: string | null;
}

/** The sign-in form, with a way to create an account, and the reason the last session ended. */
export function SignIn({ ended }: SignInProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(register: boolean): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      if (register) {
        await publicApi.post('/user/register', { username, password });
      }
      // Success re-renders the page through the client's `tokens` event.
      await auth.login(username, password);
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void run(false);
  }

  return (
    <>
      {ended !== null && (
        <div className="banner" role="alert">
          <strong>Session expired</strong>
          <span>{ended}</span>
        </div>
      )}
      <section className="card signin" aria-labelledby="signin-title">
        <h2 id="signin-title">Sign in</h2>
        <p className="muted">
          The server answers with a short-lived access token and a rotating refresh token; the
          client library keeps you signed in by refreshing them silently.
        </p>
        <form onSubmit={onSubmit}>
          <label htmlFor="username">Username</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            required
          />
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
          {error !== null && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              Log in
            </button>
            <button
              type="button"
              disabled={busy || username === '' || password === ''}
              onClick={() => void run(true)}
            >
              Register
            </button>
          </div>
        </form>
        <p className="hint">
          Demo account: <code>guang</code> / <code>123456</code>. New accounts need a password of at
          least 8 characters.
        </p>
      </section>
    </>
  );
}
