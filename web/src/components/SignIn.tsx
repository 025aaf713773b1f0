import { useState, type FormEvent } from 'react';
import { auth, publicApi } from '../demo.ts';
import { describeError } from '../errors.ts';
import { say, useI18n, type Phrase, type Text } from '../i18n/index.ts';

interface SignInProps {
  /** Why the previous session ended, if it did. */
  readonly ended: Phrase | null;
}

/** The sign-in form, with a way to create an account, and the reason the last session ended. */
export function SignIn({ ended }: SignInProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Text | null>(null);
  const i18n = useI18n();
  const { t } = i18n;

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
          <strong>{t.signIn.sessionExpired}</strong>
          <span>{ended(i18n)}</span>
        </div>
      )}
      <section className="card signin" aria-labelledby="signin-title">
        <h2 id="signin-title">{t.signIn.title}</h2>
        <p className="muted">{t.signIn.intro}</p>
        <form onSubmit={onSubmit}>
          <label htmlFor="username">{t.signIn.username}</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            required
          />
          <label htmlFor="password">{t.signIn.password}</label>
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
              {say(error, i18n)}
            </p>
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {t.signIn.logIn}
            </button>
            <button
              type="button"
              disabled={busy || username === '' || password === ''}
              onClick={() => void run(true)}
            >
              {t.signIn.register}
            </button>
          </div>
        </form>
        <p className="hint">{t.signIn.hint}</p>
      </section>
    </>
  );
}
