import type { Session } from '@seamless/client';
import { formatDuration } from '../format.ts';
import { useNow } from '../hooks.ts';

interface TokenTimesProps {
  readonly session: Session;
  /** The stored access token is one this page spoiled. */
  readonly spoiled: boolean;
}

interface CountdownProps {
  readonly label: string;
  readonly remainingMs: number | null;
  readonly totalMs: number | null;
  readonly note: string;
}

function Countdown({ label, remainingMs, totalMs, note }: CountdownProps) {
  const fraction =
    remainingMs !== null && totalMs !== null && totalMs > 0
      ? Math.min(1, Math.max(0, remainingMs / totalMs))
      : null;
  const level =
    fraction === null ? 'unknown' : fraction > 0.5 ? 'ok' : fraction > 0.2 ? 'low' : 'out';
  return (
    <div className="countdown">
      <div className="countdown-head">
        <span className="countdown-label">{label}</span>
        <span className={`countdown-value level-${level}`} role="timer" aria-label={label}>
          {remainingMs === null ? 'unknown' : formatDuration(remainingMs)}
        </span>
      </div>
      <div className="meter" aria-hidden="true">
        <div
          className={`meter-fill level-${level}`}
          style={{ width: `${(fraction ?? 0) * 100}%` }}
        />
      </div>
      <p className="muted small">{note}</p>
    </div>
  );
}

/**
 * The two tokens' remaining lifetimes as live countdowns, and the access token's parts;
 * the client measures both expiries from when this device received the tokens.
 */
export function TokenTimes({ session, spoiled }: TokenTimesProps) {
  const now = useNow();
  const { tokens, claims, expiresAt, refreshExpiresAt } = session;
  const accessTotal = tokens.expires_in !== undefined ? tokens.expires_in * 1000 : null;
  const refreshTotal =
    tokens.refresh_expires_in !== undefined ? tokens.refresh_expires_in * 1000 : null;
  const [header = '', payload = '', signature = ''] = tokens.access_token.split('.');

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens</h2>
      <div className="countdowns">
        <Countdown
          label="Access token"
          remainingMs={expiresAt === null ? null : expiresAt - now}
          totalMs={accessTotal}
          note="JWT exp; refreshed shortly before it runs out"
        />
        <Countdown
          label="Refresh token"
          remainingMs={refreshExpiresAt === null ? null : refreshExpiresAt - now}
          totalMs={refreshTotal}
          note="refresh_expires_in; every refresh starts it again"
        />
      </div>
      <div className="jwt" title="header . payload . signature">
        <span className="jwt-header">{header.slice(0, 14)}…</span>.
        <span className="jwt-payload">{payload.slice(0, 22)}…</span>.
        <span className={spoiled ? 'jwt-signature spoiled' : 'jwt-signature'}>
          {signature.slice(0, 14)}…
        </span>
        {spoiled && <span className="tag tag-danger">spoiled signature</span>}
      </div>
      {Object.keys(claims).length > 0 && (
        <p className="muted small claims">
          {claims.username !== undefined && (
            <span>
              username <code>{claims.username}</code>
            </span>
          )}
          {claims.sid !== undefined && (
            <span>
              session <code>{String(claims.sid).slice(0, 8)}</code>
            </span>
          )}
          {claims.exp !== undefined && (
            <span>
              exp <code>{new Date(claims.exp * 1000).toLocaleTimeString()}</code>
            </span>
          )}
        </p>
      )}
    </section>
  );
}
