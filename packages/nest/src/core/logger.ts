/** Where the kit says what happened to the keys and the feed: `console`, Nest's Logger, pino… */
export interface SeamlessLogger {
  log(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: SeamlessLogger = {
  log: (message) => console.log(`[seamless] ${message}`),
  warn: (message) => console.warn(`[seamless] ${message}`),
};

/** A short reason for a failed request, without anything secret (there is nothing secret in it). */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code =
      typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
