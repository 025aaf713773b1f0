import { useEffect, useState, useSyncExternalStore } from 'react';
import { getLogState, subscribeLog, type LogState } from './log.ts';
import { getSessionState, subscribeSession, type SessionState } from './session.ts';

/** The request log and counters, re-rendering on every change. */
export function useLog(): LogState {
  return useSyncExternalStore(subscribeLog, getLogState);
}

/** The sign-in state, re-rendering on every change. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribeSession, getSessionState);
}

/** The current time, updated every `intervalMs` (drives the countdowns). */
export function useNow(intervalMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
