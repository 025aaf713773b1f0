import { useEffect, useRef } from 'react';
import { formatClock } from '../format.ts';
import { useLog } from '../hooks.ts';
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

function statusText(status: LogStatus): string {
  switch (status) {
    case 'pending':
      return 'pending';
    case 'failed':
      return 'failed';
    case 'none':
      return '';
    default:
      return String(status);
  }
}

const kindTag: Record<LogEntry['kind'], string | null> = {
  request: null,
  replay: 'replay',
  auth: 'client',
  note: null,
};

function LogLine({ entry }: { readonly entry: LogEntry }) {
  if (entry.kind === 'note') {
    return (
      <li className="log-line log-note">
        <span className="log-time">{formatClock(entry.at)}</span>
        <span className="log-text">{entry.detail}</span>
      </li>
    );
  }
  const tag = kindTag[entry.kind];
  return (
    <li className={`log-line log-${entry.kind}`}>
      <span className="log-time">{formatClock(entry.at)}</span>
      <span className="log-method">{entry.method}</span>
      <span className="log-path">
        {entry.path}
        {tag !== null && <span className={`log-tag log-tag-${entry.kind}`}>{tag}</span>}
      </span>
      <span className={`log-status ${statusClass(entry.status)}`}>{statusText(entry.status)}</span>
      <span className="log-detail">{entry.detail}</span>
    </li>
  );
}

/** The counters and the live log of every request this tab sent. */
export function RequestLog() {
  const { entries, counters } = useLog();
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) {
      list.scrollTop = list.scrollHeight;
    }
  }, [entries]);

  return (
    <>
      <section className="stats" aria-label="Counters">
        <div className="stat" role="group" aria-labelledby="stat-requests">
          <span className="stat-value">{counters.requests}</span>
          <span className="stat-label" id="stat-requests">
            Requests sent
          </span>
        </div>
        <div className="stat" role="group" aria-labelledby="stat-refreshes">
          <span className="stat-value">{counters.refreshes}</span>
          <span className="stat-label" id="stat-refreshes">
            Refreshes done
          </span>
          {counters.otherTabRefreshes > 0 && (
            <span className="stat-extra">+{counters.otherTabRefreshes} by other tabs</span>
          )}
        </div>
        <div className="stat" role="group" aria-labelledby="stat-unauthorized">
          <span className={counters.unauthorized > 0 ? 'stat-value warn' : 'stat-value'}>
            {counters.unauthorized}
          </span>
          <span className="stat-label" id="stat-unauthorized">
            401s seen
          </span>
        </div>
      </section>
      <section className="card log-card" aria-labelledby="log-title">
        <div className="card-head">
          <h2 id="log-title">Request log</h2>
          <button type="button" className="ghost small" onClick={clearLog}>
            Clear
          </button>
        </div>
        <ol className="log" ref={listRef} aria-label="Request log">
          {entries.length === 0 ? (
            <li className="log-empty">Nothing sent yet.</li>
          ) : (
            entries.map((entry) => <LogLine key={entry.id} entry={entry} />)
          )}
        </ol>
        <p className="legend">
          <span className="log-tag log-tag-replay">replay</span> sent again after the refresh
          <span className="log-tag log-tag-auth">client</span> call of the client library
          <span className="status-sample status-401">401</span> token rejected
        </p>
      </section>
    </>
  );
}
