import { useCallback, useEffect, useState } from 'react';
import { api, auth } from '../demo.ts';
import { describeError } from '../errors.ts';
import { describeUserAgent, formatWhen } from '../format.ts';
import { useNow } from '../hooks.ts';
import { say, useI18n, type Text } from '../i18n/index.ts';
import { signOut } from '../session.ts';

/** One entry of GET /user/sessions. */
interface SessionInfo {
  readonly id: string | number;
  readonly createdAt: string;
  readonly lastUsedAt: string;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly current: boolean;
}

/** Every session of the user, each with a Revoke button; revoking this device's signs out. */
export function Sessions() {
  const [sessions, setSessions] = useState<readonly SessionInfo[] | null>(null);
  const [error, setError] = useState<Text | null>(null);
  const [busy, setBusy] = useState<string | number | null>(null);
  const now = useNow(5000);
  const i18n = useI18n();
  const { t } = i18n;

  const load = useCallback(async (): Promise<void> => {
    try {
      const response = await api.get<SessionInfo[]>('/user/sessions');
      setSessions(response.data);
      setError(null);
    } catch (caught) {
      setError(describeError(caught));
    }
  }, []);

  useEffect(() => {
    void load();
    // A refresh (here or in another tab) changes "last used"; show it once the
    // requests that waited for the refresh have been replayed.
    let timer: number | undefined;
    const off = auth.on('refresh', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void load(), 1000);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [load]);

  async function revoke(session: SessionInfo): Promise<void> {
    setBusy(session.id);
    try {
      await api.delete(`/user/sessions/${encodeURIComponent(String(session.id))}`);
      if (session.current) {
        await signOut(({ t }) => t.ended.revokedHere);
        return;
      }
      await load();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card" aria-label={t.sessions.title}>
      <div className="card-head">
        <h2>{t.sessions.title}</h2>
        <button type="button" className="ghost small" onClick={() => void load()}>
          {t.sessions.reload}
        </button>
      </div>
      {error !== null && (
        <p className="form-error" role="alert">
          {say(error, i18n)}
        </p>
      )}
      {sessions === null ? (
        <p className="muted small">{t.sessions.loading}</p>
      ) : (
        <ul className="sessions">
          {sessions.map((session) => (
            <li key={session.id} className={session.current ? 'session current' : 'session'}>
              <div className="session-main">
                <div className="session-device">
                  {describeUserAgent(session.userAgent, i18n)}
                  {session.current && <span className="tag tag-ok">{t.sessions.thisDevice}</span>}
                </div>
                <div className="muted small">
                  {t.sessions.times(
                    session.ip ?? t.sessions.unknownIp,
                    formatWhen(session.createdAt, now, i18n),
                    formatWhen(session.lastUsedAt, now, i18n),
                  )}
                </div>
              </div>
              <button
                type="button"
                className="danger small"
                disabled={busy !== null}
                onClick={() => void revoke(session)}
              >
                {t.sessions.revoke}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
