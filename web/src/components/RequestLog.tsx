import { useEffect, useRef } from 'react';
import { formatClock, formatNumber } from '../format.ts';
import { useLog } from '../hooks.ts';
import { say, useI18n, type Messages } from '../i18n/index.ts';
import { clearLog, type LogEntry, type LogStatus } from '../log.ts';

function statusClass(status: LogStatus): string {
  if (typeof status !== 'number') {
    return `status-${status}`;
  }
  if (status === 401) {
    return 'status-401';
  }
  return `status-${Math.floor(status / 100)}xx`;
}

function statusText(status: LogStatus, t: Messages): string {
  switch (status) {
    case 'pending':
      return t.log.pending;
    case 'failed':
      return t.log.failed;
    case 'none':
      return '';
    default:
      return String(status);
  }
}

function kindTag(kind: LogEntry['kind'], t: Messages): string | null {
  switch (kind) {
    case 'replay':
      return t.log.replay;
    case 'auth':
      return t.log.client;
    case 'request':
    case 'note':
      return null;
  }
}

function LogLine({ entry }: { readonly entry: LogEntry }) {
  const i18n = useI18n();
  const { t } = i18n;
  if (entry.kind === 'note') {
    return (
      <li className="log-line log-note">
        <span className="log-time">{formatClock(entry.at, i18n)}</span>
        <span className="log-text">{say(entry.detail, i18n)}</span>
      </li>
    );
  }
  const tag = kindTag(entry.kind, t);
  return (
    <li className={`log-line log-${entry.kind}`}>
      <span className="log-time">{formatClock(entry.at, i18n)}</span>
      <span className="log-method">{entry.method}</span>
      <span className="log-path">
        {entry.path}
        {tag !== null && <span className={`log-tag log-tag-${entry.kind}`}>{tag}</span>}
      </span>
      <span className={`log-status ${statusClass(entry.status)}`}>
        {statusText(entry.status, t)}
      </span>
      <span className="log-detail">{say(entry.detail, i18n)}</span>
    </li>
  );
}

/** The counters and the live log of every request this tab sent. */
export function RequestLog() {
  const { entries, counters } = useLog();
  const i18n = useI18n();
  const { t } = i18n;
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) {
      list.scrollTop = list.scrollHeight;
    }
  }, [entries]);

  return (
    <>
      <section className="stats" aria-label={t.log.counters}>
        <div className="stat" role="group" aria-labelledby="stat-requests">
          <span className="stat-value">{formatNumber(counters.requests, i18n)}</span>
          <span className="stat-label" id="stat-requests">
            {t.log.requestsSent}
          </span>
        </div>
        <div className="stat" role="group" aria-labelledby="stat-refreshes">
          <span className="stat-value">{formatNumber(counters.refreshes, i18n)}</span>
          <span className="stat-label" id="stat-refreshes">
            {t.log.refreshesDone}
          </span>
          {counters.otherTabRefreshes > 0 && (
            <span className="stat-extra">{t.log.byOtherTabs(counters.otherTabRefreshes)}</span>
          )}
        </div>
        <div className="stat" role="group" aria-labelledby="stat-unauthorized">
          <span className={counters.unauthorized > 0 ? 'stat-value warn' : 'stat-value'}>
            {formatNumber(counters.unauthorized, i18n)}
          </span>
          <span className="stat-label" id="stat-unauthorized">
            {t.log.unauthorizedSeen}
          </span>
        </div>
      </section>
      <section className="card log-card" aria-labelledby="log-title">
        <div className="card-head">
          <h2 id="log-title">{t.log.title}</h2>
          <button type="button" className="ghost small" onClick={clearLog}>
            {t.log.clear}
          </button>
        </div>
        <ol className="log" ref={listRef} aria-label={t.log.title}>
          {entries.length === 0 ? (
            <li className="log-empty">{t.log.empty}</li>
          ) : (
            entries.map((entry) => <LogLine key={entry.id} entry={entry} />)
          )}
        </ol>
        <p className="legend">
          <span className="log-tag log-tag-replay">{t.log.replay}</span> {t.log.replayLegend}
          <span className="log-tag log-tag-auth">{t.log.client}</span> {t.log.clientLegend}
          <span className="status-sample status-401">401</span> {t.log.unauthorizedLegend}
        </p>
      </section>
    </>
  );
}
