/**
 * The demo's languages: which one is shown, the texts of each, and the switch between
 * them. Every text the page shows comes from a dictionary here; English is the source
 * of the keys, so a string missing from another language fails to compile.
 *
 * The language follows the browser (`navigator.languages`) until the person picks one
 * with the switch; that choice is remembered in `localStorage` and wins from then on.
 */
import { useSyncExternalStore } from 'react';
import { en, type Messages } from './en.tsx';
import { zhCN } from './zh-CN.tsx';

export type { Messages };

/** The languages the demo speaks, as BCP 47 tags (also used for `Intl` and `<html lang>`). */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** The current language and its texts. */
export interface I18n {
  readonly locale: Locale;
  readonly t: Messages;
}

/**
 * A text made when something happens but worded when it is shown, so that the log, the
 * answers and the banners follow a later switch of language too.
 */
export type Phrase = (i18n: I18n) => string;

/** A phrase, or a string shown as it is (what a server or the network said). */
export type Text = string | Phrase;

/** The words of `text` in the language of `i18n`. */
export function say(text: Text, i18n: I18n): string {
  return typeof text === 'string' ? text : text(i18n);
}

const dictionaries: Record<Locale, I18n> = {
  en: { locale: 'en', t: en },
  'zh-CN': { locale: 'zh-CN', t: zhCN },
};

/** Where the person's own choice is kept (only once they have made one). */
const STORAGE_KEY = 'seamless-demo-language';

function isLocale(value: unknown): value is Locale {
  return LOCALES.includes(value as Locale);
}

/**
 * The first language of the browser's list that the demo speaks: any Chinese tag
 * (`zh`, `zh-CN`, `zh-TW`, …) gets Simplified Chinese, the only Chinese there is;
 * anything else falls back to English.
 */
export function pickLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const language = tag.toLowerCase().split('-')[0];
    if (language === 'zh') {
      return 'zh-CN';
    }
    if (language === 'en') {
      return 'en';
    }
  }
  return 'en';
}

function readChoice(): Locale | null {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : null;
  } catch {
    // Storage blocked: the browser's language it is.
    return null;
  }
}

function browserLocale(): Locale {
  return pickLocale(navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
}

let current: I18n = dictionaries[readChoice() ?? browserLocale()];
const listeners = new Set<() => void>();

/** Tells the document itself: `<html lang>` (fonts, screen readers), title, description. */
function applyToDocument({ locale, t }: I18n): void {
  document.documentElement.lang = locale;
  document.title = t.app.title;
  document.querySelector('meta[name="description"]')?.setAttribute('content', t.app.description);
}

function show(locale: Locale): void {
  if (locale === current.locale) {
    return;
  }
  current = dictionaries[locale];
  applyToDocument(current);
  for (const listener of listeners) {
    listener();
  }
}

applyToDocument(current);

// Another tab's switch applies here too.
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY) {
    show(readChoice() ?? browserLocale());
  }
});

/** Shows the page in `locale` at once and remembers the choice across reloads. */
export function setLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembered, but still shown.
  }
  show(locale);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function getI18n(): I18n {
  return current;
}

/** The current language and its texts, re-rendering when the language changes. */
export function useI18n(): I18n {
  return useSyncExternalStore(subscribe, getI18n);
}
