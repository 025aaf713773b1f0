/**
 * The demo's own record of what went over the wire: every request with its status,
 * plus notes about refreshes, and the counters shown on the dashboard. It is a plain
 * store that React reads through `useSyncExternalStore`. Details are kept as phrases and
 * worded when shown, so that a switch of language rewords the whole log.
 */
import type { Text } from './i18n/index.ts';

/** What a log line stands for. */
export type LogKind =
  | 'request' // a request sent by the app
  | 'replay' // the same request sent again after a refresh
  | 'auth' // a login / refresh / logout call made by the client library
  | 'note'; // something that happened without a request of this tab

/**
 * `pending` until the answer arrives; `failed` when no answer came (network error);
 * `none` for notes.
 */
export type LogStatus = number | 'pending' | 'failed' | 'none';

export interface LogEntry {
  readonly id: number;
  readonly at: number;
  readonly kind: LogKind;
  readonly method: string;
  readonly path: string;
  readonly status: LogStatus;
  readonly detail: Text;
}

export interface Counters {
  /** HTTP requests this tab sent (app requests, replays, login/refresh/logout). */
  readonly requests: number;
  /** Refreshes this tab performed. */
  readonly refreshes: number;
  /** Refreshes another tab performed whose tokens this tab picked up. */
  readonly otherTabRefreshes: number;
  /** 401 answers this tab received. */
  readonly unauthorized: number;
}

export interface LogState {
  readonly entries: readonly LogEntry[];
  readonly counters: Counters;
}

const MAX_ENTRIES = 300;

const initial: LogState = {
  entries: [],
  counters: { requests: 0, refreshes: 0, otherTabRefreshes: 0, unauthorized: 0 },
};

let state: LogState = initial;
let nextId = 1;
const listeners = new Set<() => void>();

function commit(next: LogState): void {
  state = next;
  for (const listener of listeners) {
    listener();
  }
}

function bump(counter: keyof Counters, by = 1): Counters {
  return { ...state.counters, [counter]: state.counters[counter] + by };
}

/** Subscribes to changes; returns the unsubscribe function (for `useSyncExternalStore`). */
export function subscribeLog(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current log and counters (a new object after every change). */
export function getLogState(): LogState {
  return state;
}

/** Records a request that was just sent and returns its line's id. */
export function logRequest(kind: LogKind, method: string, path: string, detail: Text = ''): number {
  const id = nextId++;
  const entry: LogEntry = {
    id,
    at: Date.now(),
    kind,
    method: method.toUpperCase(),
    path,
    status: 'pending',
    detail,
  };
  const entries = [...state.entries, entry].slice(-MAX_ENTRIES);
  commit({ entries, counters: kind === 'note' ? state.counters : bump('requests') });
  return id;
}

/**
 * Records the outcome of the request logged as `id`; a 401 counts among the rejected
 * unless `counted` is false.
 */
export function logOutcome(id: number, status: LogStatus, detail?: Text, counted = true): void {
  const counters = counted && status === 401 ? bump('unauthorized') : state.counters;
  const entries = state.entries.map((entry) =>
    entry.id === id ? { ...entry, status, detail: detail ?? entry.detail } : entry,
  );
  commit({ entries, counters });
}

/** Records something that happened without a request from this tab. */
export function logNote(detail: Text): void {
  const entry: LogEntry = {
    id: nextId++,
    at: Date.now(),
    kind: 'note',
    method: '',
    path: '',
    status: 'none',
    detail,
  };
  commit({ ...state, entries: [...state.entries, entry].slice(-MAX_ENTRIES) });
}

/** Counts a refresh done by this tab or by another one. */
export function countRefresh(source: 'self' | 'other-tab'): void {
  commit({ ...state, counters: bump(source === 'self' ? 'refreshes' : 'otherTabRefreshes') });
}

/** Empties the log and resets the counters. */
export function clearLog(): void {
  commit(initial);
}
