import { useState } from 'react';
import { auth } from '../demo.ts';
import { useNow } from '../hooks.ts';
import { mode, switchMode, type RefreshTokenMode } from '../mode.ts';
import { signOut } from '../session.ts';
import '../script-view.css';

const TEXT = {
  title: 'What a script in this page can see',
  switchLabel: 'Refresh token in',
  cookie: 'httpOnly cookie',
  localStorage: 'localStorage',
  switchNote: 'Switching signs you out.',
  empty: '(empty)',
  cookieNote: 'The refresh token is in an httpOnly cookie: no script can read it.',
  storageNote: 'Any script in this page can read the refresh token and use it elsewhere.',
  signedOut: 'You switched where the refresh token is kept.',
};

/** `"refresh_token":"…"` inside a stored value, to be marked. */
const REFRESH_TOKEN = /("refresh_token":"[^"]*")/;
/** An access token inside a stored value, shortened so that the rest stays in view. */
const ACCESS_TOKEN = /("access_token":"[^"]{12})[^"]+"/g;

/** Shows `value` with any access token shortened and any refresh token marked. */
function Marked({ value }: { readonly value: string }) {
  const parts = value.replace(ACCESS_TOKEN, '$1…"').split(REFRESH_TOKEN);
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 ? <mark key={index}>{part}</mark> : <span key={index}>{part}</span>,
      )}
    </>
  );
}

/** Every localStorage entry, by key. */
function localStorageEntries(): [string, string][] {
  const entries: [string, string][] = [];
  for (let i = 0; i < window.localStorage.length; i += 1) {
    const key = window.localStorage.key(i);
    if (key !== null) {
      entries.push([key, window.localStorage.getItem(key) ?? '']);
    }
  }
  return entries.sort(([a], [b]) => a.localeCompare(b));
}

async function choose(next: RefreshTokenMode): Promise<void> {
  if (next === mode) {
    return;
  }
  // A session of one mode means nothing to the other: end it first, in every tab.
  if (await auth.isAuthenticated()) {
    await signOut(TEXT.signedOut);
  }
  switchMode(next);
}

/**
 * The switch between cookie and localStorage mode, and what any script in this page
 * (an injected one, a compromised dependency) reads: localStorage and document.cookie,
 * live.
 */
export function ScriptView() {
  useNow(500);
  // Checked at once: the switch itself takes a sign-out and a reload.
  const [chosen, setChosen] = useState<RefreshTokenMode>(mode);
  const stored = localStorageEntries();
  const cookies = document.cookie;
  return (
    <section className="card script-view" aria-labelledby="script-view-title">
      <h2 id="script-view-title">{TEXT.title}</h2>
      <fieldset className="mode-switch">
        <legend>{TEXT.switchLabel}</legend>
        {(['cookie', 'localStorage'] as const).map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="refresh-token-mode"
              value={option}
              checked={chosen === option}
              onChange={() => {
                setChosen(option);
                void choose(option);
              }}
            />
            {TEXT[option]}
          </label>
        ))}
        <span className="muted small">{TEXT.switchNote}</span>
      </fieldset>
      <p className="muted small">{mode === 'cookie' ? TEXT.cookieNote : TEXT.storageNote}</p>
      <dl>
        <dt>
          <code>localStorage</code>
        </dt>
        <dd>
          <output aria-label="localStorage">
            {stored.length === 0
              ? TEXT.empty
              : stored.map(([key, value]) => (
                  <div key={key} className="script-view-entry">
                    <code>{key}</code> <Marked value={value} />
                  </div>
                ))}
          </output>
        </dd>
        <dt>
          <code>document.cookie</code>
        </dt>
        <dd>
          <output aria-label="document.cookie">{cookies === '' ? TEXT.empty : cookies}</output>
        </dd>
      </dl>
    </section>
  );
}
