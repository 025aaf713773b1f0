import { useCallback, useEffect, useState } from 'react';
import { api, auth } from '../demo.ts';
import { describeError } from '../errors.ts';
import { describeUserAgent, formatWhen } from '../format.ts';
import { useNow } from '../hooks.ts';
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
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | number | null>(null);
  const now = useNow(5000);

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
        await signOut("This device's session was revoked.");
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
    <section className="card" aria-label="Sessions">
      <div className="card-head">
        <h2>Sessions</h2>
        <button type="button" className="ghost small" onClick={() => void load()}>
          Reload
        </button>
      </div>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {sessions === null ? (
        <p className="muted small">Loading GET /user/sessions…</p>
      ) : (
        <ul className="sessions">
          {sessions.map((session) => (
            <li key={session.id} className={session.current ? 'session current' : 'session'}>
              <div className="session-main">
                <div className="session-device">
                  {describeUserAgent(session.userAgent)}
                  {session.current && <span className="tag tag-ok">this device</span>}
                </div>
                <div className="muted small">
                  {session.ip ?? 'unknown IP'} · created {formatWhen(session.createdAt, now)} · last
                  used {formatWhen(session.lastUsedAt, now)}
                </div>
              </div>
              <button
                type="button"
                className="danger small"
                disabled={busy !== null}
                onClick={() => void revoke(session)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
