import { useState } from 'react';
import { useI18n } from '../i18n/index.ts';
import { auth } from '../demo.ts';
import { useNow } from '../hooks.ts';
import { mode, switchMode, type RefreshTokenMode } from '../mode.ts';
import { signOut } from '../session.ts';
import '../script-view.css';

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
    await signOut(({ t }) => t.scriptView.signedOut);
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
  const { t } = useI18n();
  const text = t.scriptView;
  // Checked at once: the switch itself takes a sign-out and a reload.
  const [chosen, setChosen] = useState<RefreshTokenMode>(mode);
  const stored = localStorageEntries();
  const cookies = document.cookie;
  return (
    <section className="card script-view" aria-labelledby="script-view-title">
      <h2 id="script-view-title">{text.title}</h2>
      <fieldset className="mode-switch">
        <legend>{text.switchLabel}</legend>
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
            {text[option]}
          </label>
        ))}
        <span className="muted small">{text.switchNote}</span>
      </fieldset>
      <p className="muted small">{mode === 'cookie' ? text.cookieNote : text.storageNote}</p>
      <dl>
        <dt>
          <code>localStorage</code>
        </dt>
        <dd>
          <output aria-label="localStorage">
            {stored.length === 0
              ? text.empty
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
          <output aria-label="document.cookie">{cookies === '' ? text.empty : cookies}</output>
        </dd>
      </dl>
    </section>
  );
}
