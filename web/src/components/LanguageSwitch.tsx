import { LOCALES, setLocale, useI18n, type Locale } from '../i18n/index.ts';

/** Each language named in itself, so that a person who reads only one finds it. */
const names: Record<Locale, string> = {
  en: 'English',
  'zh-CN': '中文',
};

/** The language buttons of the top bar; the pressed one is the language shown. */
export function LanguageSwitch() {
  const { locale, t } = useI18n();
  return (
    <div className="language-switch" role="group" aria-label={t.app.language}>
      {LOCALES.map((option) => (
        <button
          key={option}
          type="button"
          className="ghost small"
          lang={option}
          aria-pressed={option === locale}
          onClick={() => setLocale(option)}
        >
          {names[option]}
        </button>
      ))}
    </div>
  );
}
