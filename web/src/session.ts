/**
 * What the page knows about the sign-in state, fed only by the auth client: its
 * `tokens` events (the first one, `initial`, says what was stored when the page opened)
 * and `getSession()` for the claims and both expiries. The page decodes nothing itself.
 */
import type { Session, TokensChange } from '@seamless/client';
import { auth } from './demo.ts';
import type { Phrase } from './i18n/index.ts';

export interface SessionState {
  /** `undefined` until the client has said what is stored, null when signed out. */
  readonly session: Session | null | undefined;
  /** Why the last session ended, shown under "Session expired"; null while signed in. */
  readonly ended: Phrase | null;
}

let state: SessionState = { session: undefined, ended: null };
const listeners = new Set<() => void>();
/** Set just before this tab signs out on purpose, to say why in the banner. */
let pendingReason: Phrase | null = null;
/** The newest change being read, so that a slower read of an older one is dropped. */
let latestChange = 0;

function commit(patch: Partial<SessionState>): void {
  state = { ...state, ...patch };
  for (const listener of listeners) {
    listener();
  }
}

function endedBecause({ reason, source }: TokensChange): Phrase {
  if (reason === 'expired') {
    return ({ t }) => t.ended.refreshRefused;
  }
  if (source === 'other-tab') {
    return ({ t }) => (reason === 'logout' ? t.ended.otherTabSignedOut : t.ended.otherTabCleared);
  }
  return ({ t }) => t.ended.ended;
}

auth.on('tokens', (tokens, change) => {
  let ended = state.ended;
  if (tokens) {
    ended = null;
  } else if (state.session) {
    ended = pendingReason ?? endedBecause(change);
  }
  pendingReason = null;
  const ticket = ++latestChange;
  void auth.getSession().then(
    (session) => ticket === latestChange && commit({ session, ended }),
    () => ticket === latestChange && commit({ session: null, ended }),
  );
});

/** Subscribes to changes (for `useSyncExternalStore`). */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current sign-in state. */
export function getSessionState(): SessionState {
  return state;
}

/** Signs this tab (and every other tab) out, remembering why for the banner. */
export async function signOut(reason: Phrase): Promise<void> {
  pendingReason = reason;
  await auth.logout();
}

/** Replaces the stored access token (used to spoil it), keeping the refresh token. */
export async function replaceAccessToken(accessToken: string): Promise<void> {
  const pair = await auth.getTokens();
  if (pair) {
    await auth.setTokens({ ...pair, access_token: accessToken });
  }
}
