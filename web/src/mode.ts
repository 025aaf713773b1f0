/**
 * Where the demo's client keeps the refresh token: in the server's httpOnly cookie (the
 * default) or, as the tutorial does, in localStorage. The choice itself is kept in
 * localStorage, and only when it is not the default, so that cookie mode leaves
 * localStorage empty. Every tab follows a change.
 */
export type RefreshTokenMode = 'cookie' | 'localStorage';

const KEY = 'seamless-demo.mode';

/** The mode this page runs in, read once at start. */
export const mode: RefreshTokenMode = readMode() === 'localStorage' ? 'localStorage' : 'cookie';

function readMode(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Stores the choice and reloads the page in it; other tabs reload too (below). */
export function switchMode(next: RefreshTokenMode): void {
  if (next === 'localStorage') {
    window.localStorage.setItem(KEY, next);
  } else {
    window.localStorage.removeItem(KEY);
  }
  window.location.reload();
}

// Another tab switched: follow it, so that every tab signs in the same way.
window.addEventListener('storage', (event) => {
  if (event.key === KEY) {
    window.location.reload();
  }
});
