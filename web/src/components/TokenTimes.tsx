import type { Session } from '@seamless/client';
import { formatDuration, formatTime } from '../format.ts';
import { useNow } from '../hooks.ts';
import { useI18n } from '../i18n/index.ts';

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
  const i18n = useI18n();
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
          {remainingMs === null ? i18n.t.tokens.unknown : formatDuration(remainingMs, i18n)}
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
  const i18n = useI18n();
  const { t } = i18n;
  const { tokens, claims, expiresAt, refreshExpiresAt } = session;
  const accessTotal = tokens.expires_in !== undefined ? tokens.expires_in * 1000 : null;
  const refreshTotal =
    tokens.refresh_expires_in !== undefined ? tokens.refresh_expires_in * 1000 : null;
  const [header = '', payload = '', signature = ''] = tokens.access_token.split('.');

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t.tokens.title}</h2>
      <div className="countdowns">
        <Countdown
          label={t.tokens.accessToken}
          remainingMs={expiresAt === null ? null : expiresAt - now}
          totalMs={accessTotal}
          note={t.tokens.accessNote}
        />
        <Countdown
          label={t.tokens.refreshToken}
          remainingMs={refreshExpiresAt === null ? null : refreshExpiresAt - now}
          totalMs={refreshTotal}
          note={t.tokens.refreshNote}
        />
      </div>
      <div className="jwt" title={t.tokens.parts} translate="no">
        <span className="jwt-header">{header.slice(0, 14)}…</span>.
        <span className="jwt-payload">{payload.slice(0, 22)}…</span>.
        <span className={spoiled ? 'jwt-signature spoiled' : 'jwt-signature'}>
          {signature.slice(0, 14)}…
        </span>
        {spoiled && <span className="tag tag-danger">{t.tokens.spoiled}</span>}
      </div>
      {Object.keys(claims).length > 0 && (
        <p className="muted small claims">
          {claims.username !== undefined && (
            <span>
              {t.tokens.username} <code>{claims.username}</code>
            </span>
          )}
          {claims.sid !== undefined && (
            <span>
              {t.tokens.session} <code>{String(claims.sid).slice(0, 8)}</code>
            </span>
          )}
          {claims.exp !== undefined && (
            <span>
              {t.tokens.exp} <code>{formatTime(claims.exp * 1000, i18n)}</code>
            </span>
          )}
        </p>
      )}
    </section>
  );
}
