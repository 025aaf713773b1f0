import type { AuthEvents } from './types.js';

type Listeners = { [E in keyof AuthEvents]: Set<AuthEvents[E]> };

/** A tiny typed event emitter; a throwing listener never breaks the refresh logic. */
export class Emitter {
  readonly #listeners: Listeners = {
    tokens: new Set(),
    refreshStart: new Set(),
    refresh: new Set(),
    refreshError: new Set(),
    sessionExpired: new Set(),
  };

  on<E extends keyof AuthEvents>(event: E, listener: AuthEvents[E]): () => void {
    const set = this.#listeners[event] as Set<AuthEvents[E]>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends keyof AuthEvents>(event: E, ...args: Parameters<AuthEvents[E]>): void {
    for (const listener of this.#listeners[event] as Set<
      (...a: Parameters<AuthEvents[E]>) => void
    >) {
      try {
        listener(...args);
      } catch (error) {
        // Surface the listener's bug where the app will see it, outside our promise chains.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    for (const set of Object.values(this.#listeners)) {
      set.clear();
    }
  }
}
