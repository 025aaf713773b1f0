import type { TokensReason } from './types.js';

/** Why this tab wrote the tokens. */
export type WriteReason = Exclude<TokensReason, 'initial'>;

/**
 * What tabs tell each other. A tokens message carries the stored record (`record`, null
 * when cleared) written at `at`: storage such as Chromium's localStorage reaches other
 * tabs later than messages and lock hand-overs do, so the message is the fast path.
 */
export type TabMessage =
  | {
      type: 'tokens';
      reason: WriteReason;
      from: string;
      record: string | null;
      at: number;
    }
  | { type: 'lock' | 'unlock'; from: string };

/** A message bus between the tabs of one origin. */
export interface TabChannel {
  post(message: TabMessage): void;
  subscribe(listener: (message: TabMessage) => void): () => void;
  close(): void;
}

function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { type, from } = value as Record<string, unknown>;
  return typeof from === 'string' && (type === 'tokens' || type === 'lock' || type === 'unlock');
}

function fanOut(): {
  listeners: Set<(message: TabMessage) => void>;
  deliver: (value: unknown) => void;
} {
  const listeners = new Set<(message: TabMessage) => void>();
  return {
    listeners,
    deliver: (value) => {
      if (isTabMessage(value)) {
        for (const listener of listeners) {
          listener(value);
        }
      }
    },
  };
}

/** A channel over `BroadcastChannel`, or null where there is none. */
export function broadcastTabChannel(name: string): TabChannel | null {
  if (typeof globalThis.BroadcastChannel !== 'function') {
    return null;
  }
  const channel = new BroadcastChannel(name);
  // Node keeps its event loop alive for an open channel; a library must not.
  (channel as { unref?: () => void }).unref?.();
  const { listeners, deliver } = fanOut();
  channel.onmessage = (event: MessageEvent) => deliver(event.data);
  // A refresh or a lock wait that outlives close() still says what it did; a closed
  // BroadcastChannel throws on post, so after close() there is no one to tell.
  let open = true;
  return {
    post: (message) => open && channel.postMessage(message),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      open = false;
      listeners.clear();
      channel.close();
    },
  };
}

/**
 * A channel over `localStorage` writes, which fire a `storage` event in every other tab:
 * for browsers without BroadcastChannel. Null where there is no window or localStorage.
 */
export function storageEventTabChannel(key: string): TabChannel | null {
  const target = globalThis as unknown as Partial<Window>;
  if (typeof target.addEventListener !== 'function' || target.localStorage === undefined) {
    return null;
  }
  const { listeners, deliver } = fanOut();
  const onStorage = (event: StorageEvent): void => {
    if (event.key !== key || event.newValue === null) {
      return;
    }
    try {
      deliver((JSON.parse(event.newValue) as { message?: unknown }).message);
    } catch {
      // Not ours, or truncated: ignore.
    }
  };
  target.addEventListener('storage', onStorage);
  let counter = 0;
  return {
    // The nonce makes each write a change, so that a repeated message still fires.
    post: (message) => {
      target.localStorage?.setItem(
        key,
        JSON.stringify({ message, nonce: counter++ + Math.random() }),
      );
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      listeners.clear();
      target.removeEventListener?.('storage', onStorage);
    },
  };
}
