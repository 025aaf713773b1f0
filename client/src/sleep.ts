/**
 * Sleeps that end early when something they wait for may have happened: a tab waiting
 * for another tab's news, or for a lock to be released. Each `sleep` resolves after `ms`
 * or at the next `wake()`, whichever comes first; the sleeper then checks again.
 */
export class Sleepers {
  readonly #wakers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }

  wake(): void {
    for (const wake of this.#wakers) {
      wake();
    }
  }
}

/** A plain pause. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
