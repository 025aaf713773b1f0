// What this tab has heard from the others, and the waits for their news.
import type { TabChannel, TabMessage, WriteReason } from './channel.js';
import { parseStored, type Stored } from './record.js';
import { Sleepers } from './sleep.js';

/**
 * How long a record heard from another tab may override storage that shows nothing at
 * all (storage cleared without a word, such as "clear site data"). Over an older stored
 * record it prevails until storage shows a newer one: the other tab's store may have
 * refused its write (a full disk is full for every tab), and going back to the older
 * refresh token would look like theft to the server.
 */
const HEARD_TTL_MS = 5000;

export interface TabSync {
  /**
   * What to believe about the tokens: `stored`, unless another tab announced a newer
   * record that storage does not show yet (Chromium delivers localStorage writes to other
   * tabs later than it delivers messages and lock hand-overs).
   */
  newest(stored: Stored | null): Stored | null;
  /** Tells the other tabs that this tab wrote `record` (null: cleared) at `at`. */
  announce(reason: WriteReason, record: string | null, at: number): void;
  /** Forgets what was heard: this tab has just written something newer. */
  forget(): void;
  /** Resolves at the next tokens message from another tab, or after `ms`. */
  nextNews(ms: number): Promise<void>;
  /** Stops listening. */
  close(): void;
}

export type TokensMessage = Extract<TabMessage, { type: 'tokens' }>;

/**
 * Tab sync over `channel` (null: this tab alone). `listener` hears each tokens message
 * from another tab once `newest` takes it into account. With a store of this tab alone
 * (`local`), storage that shows nothing means nothing: what was heard stays the truth.
 */
export function createTabSync(
  channel: TabChannel | null,
  id: string,
  now: () => number,
  local: boolean,
  listener: (message: TokensMessage) => void,
): TabSync {
  let heard: { record: string | null; at: number; receivedAt: number } | null = null;
  const news = new Sleepers();
  const unsubscribe = channel?.subscribe((message) => {
    if (message.type !== 'tokens') {
      return;
    }
    if (heard === null || message.at > heard.at) {
      heard = { record: message.record, at: message.at, receivedAt: now() };
    }
    news.wake();
    listener(message);
  });
  return {
    newest(stored) {
      if (
        heard !== null &&
        heard.at > (stored?.savedAt ?? -Infinity) &&
        (stored !== null || local || now() - heard.receivedAt < HEARD_TTL_MS)
      ) {
        return parseStored(heard.record);
      }
      return stored;
    },
    announce(reason, record, at) {
      channel?.post({ type: 'tokens', reason, from: id, record, at });
    },
    forget() {
      heard = null;
    },
    nextNews: (ms) => news.sleep(ms),
    close() {
      unsubscribe?.();
      channel?.close();
    },
  };
}
