/** Small display helpers: numbers, durations and times in the page's language. */
import type { I18n, Locale } from './i18n/index.ts';

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

/**
 * One `Intl` formatter per kind, language and options, made on first use: countdowns
 * ask four times a second and the log formats up to 300 times per change.
 */
function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(
  kind: string,
  locale: Locale,
  options: object,
  make: () => F,
): F {
  const key = `${kind} ${locale} ${JSON.stringify(options)}`;
  let format = formats.get(key) as F | undefined;
  if (!format) {
    format = make();
    formats.set(key, format);
  }
  return format;
}

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return cached('number', locale, options, () => new Intl.NumberFormat(locale, options));
}

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached('date', locale, options, () => new Intl.DateTimeFormat(locale, options));
}

/** `1,234`: a count. */
export function formatNumber(value: number, { locale }: I18n): string {
  return numberFormat(locale).format(value);
}

type Unit = 'day' | 'hour' | 'minute' | 'second';

function unit(locale: Locale, name: Unit, value: number, options: Intl.NumberFormatOptions = {}) {
  return numberFormat(locale, {
    style: 'unit',
    unit: name,
    unitDisplay: 'narrow',
    ...options,
  }).format(value);
}

/**
 * A duration for a countdown: `12.3s`, `4m 05s`, `2h 07m`, `1d 2h 4m` in English,
 * `12.3秒`, `4分钟05秒`, `1天2小时4分钟` in Chinese; `expired` once it has run out.
 */
export function formatDuration(ms: number, { locale, t }: I18n): string {
  if (ms <= 0) {
    return t.time.expired;
  }
  const seconds = ms / 1000;
  if (seconds < 60) {
    return unit(locale, 'second', seconds, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }
  const total = Math.floor(seconds);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const twoDigits = { minimumIntegerDigits: 2 };
  const parts =
    days > 0
      ? [unit(locale, 'day', days), unit(locale, 'hour', hours), unit(locale, 'minute', minutes)]
      : hours > 0
        ? [unit(locale, 'hour', hours), unit(locale, 'minute', minutes, twoDigits)]
        : [unit(locale, 'minute', minutes), unit(locale, 'second', secs, twoDigits)];
  return new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' }).format(parts);
}

/** `14:03:07.123`: the time of a log line (24-hour in both languages, for a log). */
export function formatClock(at: number, { locale }: I18n): string {
  return dateFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  }).format(at);
}

/** `2:03:07 PM` / `14:03:07`: a time of day, as the language writes it. */
export function formatTime(at: number, { locale }: I18n): string {
  return dateFormat(locale, { timeStyle: 'medium' }).format(at);
}

/** `just now`, `3 min. ago`, `3分钟前`, or a date: when a session was created or used. */
export function formatWhen(iso: string, now: number, { locale, t }: I18n): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    return iso;
  }
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 10) {
    return t.time.justNow;
  }
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  if (seconds < 60) {
    return relative.format(-seconds, 'second');
  }
  if (seconds < 3600) {
    return relative.format(-Math.floor(seconds / 60), 'minute');
  }
  if (seconds < 86400) {
    return relative.format(-Math.floor(seconds / 3600), 'hour');
  }
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

/** `Chrome 140 on Linux`: a readable name for a user agent string. */
export function describeUserAgent(userAgent: string | null | undefined, { t }: I18n): string {
  if (!userAgent) {
    return t.device.unknown;
  }
  const browsers: [RegExp, string][] = [
    [/Edg\/(\d+)/, 'Edge'],
    [/OPR\/(\d+)/, 'Opera'],
    [/Firefox\/(\d+)/, 'Firefox'],
    [/HeadlessChrome\/(\d+)/, 'Headless Chrome'],
    [/Chrom(?:e|ium)\/(\d+)/, 'Chrome'],
    [/Version\/(\d+).*Safari/, 'Safari'],
    [/^curl\/([\d.]+)/, 'curl'],
    [/^node/i, 'Node.js'],
  ];
  const systems: [RegExp, string][] = [
    [/Windows/, 'Windows'],
    [/Android/, 'Android'],
    [/iPhone|iPad/, 'iOS'],
    [/Mac OS X/, 'macOS'],
    [/CrOS/, 'ChromeOS'],
    [/Linux/, 'Linux'],
  ];
  const browser = browsers.find(([pattern]) => pattern.test(userAgent));
  const system = systems.find(([pattern]) => pattern.test(userAgent));
  if (!browser) {
    return userAgent.length > 40 ? `${userAgent.slice(0, 37)}…` : userAgent;
  }
  const version = browser[0].exec(userAgent)?.[1];
  const name = version ? `${browser[1]} ${version}` : browser[1];
  return system ? t.device.browserOn(name, system[1]) : name;
}
