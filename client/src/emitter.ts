import type { AuthEvents } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each event's own arguments
type Listener = (...args: any[]) => void;

/** A tiny typed event emitter; a throwing listener never breaks the refresh logic. */
export class Emitter {
  #listeners: Partial<Record<keyof AuthEvents, Set<Listener>>> = {};

  on<E extends keyof AuthEvents>(event: E, listener: AuthEvents[E]): () => void {
    const set = (this.#listeners[event] ??= new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  has<E extends keyof AuthEvents>(event: E, listener: AuthEvents[E]): boolean {
    return !!this.#listeners[event]?.has(listener);
  }

  emit<E extends keyof AuthEvents>(event: E, ...args: Parameters<AuthEvents[E]>): void {
    for (const listener of this.#listeners[event] ?? []) {
      this.call(listener, ...args);
    }
  }

  /** Calls one listener; its exception surfaces where the app sees it, outside our promise chains. */
  call<F extends Listener>(listener: F, ...args: Parameters<F>): void {
    try {
      listener(...args);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  clear(): void {
    this.#listeners = {};
  }
}
