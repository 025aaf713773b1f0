import { resolve } from 'node:path';
import { z } from 'zod';
import { parseDuration } from './duration';
import { estimatedEntropyBits, MIN_SECRET_ENTROPY_BITS } from './secret-strength';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';

export type DatabaseConfig =
  | { type: 'sqlite'; path: string }
  | { type: 'mysql'; url: string }
  | { type: 'postgres'; url: string };

/** The server's whole configuration, validated once at boot. */
export interface AppConfig {
  production: boolean;
  port: number;
  host: string;
  database: DatabaseConfig;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  sessionMaxAge: number | undefined;
  refreshReuseGrace: number;
  /** Seconds between two looks at the database for sessions ended on other instances. */
  revocationPollInterval: number;
  /** False only to measure what the check costs: ended sessions' access tokens then work until `exp`. */
  revocationCheck: boolean;
  loginMaxAttempts: number;
  loginWindow: number;
  loginIpMaxAttempts: number;
  registerMaxPerIp: number;
  /** Seconds a login, registration or password change may wait for a hashing thread before a 503. */
  loginQueueTimeout: number;
  passwordMinLength: number;
  jwtIssuer: string;
  jwtAudience: string;
  corsOrigins: string[] | 'any' | 'none';
  /** Cookie mode: who besides the server's own origin may use the refresh cookie, and its SameSite. */
  refreshCookie: RefreshCookieConfig;
  seedDemoUser: boolean;
  /** Serve the OpenAPI page at /docs. */
  docs: boolean;
  /** Private JWKs from JWT_SIGNING_KEYS (JSON array); undefined means "development keys file". */
  signingKeys: string | undefined;
  currentKid: string | undefined;
  refreshTokenSecret: string | undefined;
  keysFile: string;
  logLevel: string;
  webDir: string;
  trustProxy: TrustProxy;
  bodyLimit: number;
}

export interface RefreshCookieConfig {
  /** `strict` unless the app is on another site than the API (`none`: a third-party cookie). */
  sameSite: 'strict' | 'none';
  /** Origins besides the server's own that may sign in, refresh and sign out with the cookie. */
  origins: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const duration = (min: number) =>
  z.string().transform((raw, ctx) => {
    const seconds = parseDuration(raw);
    if (seconds === undefined || seconds < min) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `expected a duration such as 45s, 30m, 12h, 7d or whole seconds${min > 0 ? ` (at least ${min}s)` : ''}`,
      });
      return z.NEVER;
    }
    return seconds;
  });

/** A duration, or `0` / `off` for none (undefined). */
const optionalDuration = z.string().transform((raw, ctx) => {
  const seconds = raw === 'off' ? 0 : parseDuration(raw);
  if (seconds === undefined) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'expected a duration such as 12h or 30d, or 0 or off for none',
    });
    return z.NEVER;
  }
  return seconds === 0 ? undefined : seconds;
});

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: wholeNumber(1, 65535).default('3000'),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(
      /^(sqlite:.+|mysql:\/\/.+|postgres(ql)?:\/\/.+)$/,
      'expected sqlite:PATH, sqlite::memory:, mysql://user:pass@host:port/db or postgres://user:pass@host:port/db',
    )
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'expected redis://host:port')
    .optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(64).default('seamless:'),
  ACCESS_TOKEN_TTL: duration(1).default('30m'),
  REFRESH_TOKEN_TTL: duration(1).default('7d'),
  SESSION_MAX_AGE: optionalDuration.default('30d'),
  REFRESH_REUSE_GRACE: duration(0).default('10s'),
  REVOCATION_POLL_INTERVAL: duration(1).default('1s'),
  REVOCATION_CHECK: bool.default('true'),
  LOGIN_MAX_ATTEMPTS: wholeNumber(1, 1_000_000_000).default('10'),
  LOGIN_WINDOW: duration(1).default('15m'),
  LOGIN_IP_MAX_ATTEMPTS: wholeNumber(1, 1_000_000_000).default('100'),
  REGISTER_MAX_PER_IP: wholeNumber(1, 1_000_000_000).default('10'),
  LOGIN_QUEUE_TIMEOUT: duration(0).default('2s'),
  PASSWORD_MIN_LENGTH: wholeNumber(8, 128).default('8'),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).default('seamless'),
  CORS_ORIGINS: z.string().optional(),
  REFRESH_COOKIE_ORIGINS: z.string().optional(),
  REFRESH_COOKIE_SAME_SITE: z
    .enum(['Strict', 'None', 'strict', 'none'])
    .transform((v) => v.toLowerCase() as 'strict' | 'none')
    .default('Strict'),
  SEED_DEMO_USER: bool.optional(),
  DOCS: bool.optional(),
  JWT_SIGNING_KEYS: z.string().min(2).optional(),
  JWT_CURRENT_KID: z.string().min(1).optional(),
  REFRESH_TOKEN_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43,}$/, 'expected at least 32 random bytes, base64url-encoded')
    .optional(),
  KEYS_FILE: z.string().min(1).default('data/keys.json'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_DIR: z.string().min(1).default('web/dist'),
  TRUST_PROXY: z.string().default('false'),
  BODY_LIMIT: wholeNumber(1024, 10 * 1024 * 1024).default('16384'),
});

/**
 * Validates the environment into an {@link AppConfig}. A bad value throws a
 * {@link ConfigError} naming the variable, never echoing its value (it may be a secret).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // Zod's own messages may quote the received value, which can be a secret: say what was expected instead.
    const problems = parsed.error.issues.map((issue) => {
      const expected =
        issue.code === z.ZodIssueCode.invalid_enum_value
          ? `expected one of ${issue.options.join(', ')}`
          : issue.code === z.ZodIssueCode.invalid_type
            ? `expected ${issue.expected}`
            : issue.message;
      return `${issue.path.join('.')}: ${expected}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  if (production) {
    const missing = ['JWT_SIGNING_KEYS', 'REFRESH_TOKEN_SECRET', 'DATABASE_URL'].filter(
      (name) => !env[name],
    );
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration: NODE_ENV=production requires ${missing.join(', ')} from the environment ` +
          '(development keys under data/ do not count)',
      );
    }
    if (estimatedEntropyBits(e.REFRESH_TOKEN_SECRET ?? '') < MIN_SECRET_ENTROPY_BITS) {
      throw new ConfigError(
        'Invalid configuration: REFRESH_TOKEN_SECRET: too little entropy for a key; ' +
          'generate one with node server/dist/src/keys/keys.cli.js secret',
      );
    }
  }
  if ((e.JWT_SIGNING_KEYS === undefined) !== (e.REFRESH_TOKEN_SECRET === undefined)) {
    throw new ConfigError(
      'Invalid configuration: JWT_SIGNING_KEYS and REFRESH_TOKEN_SECRET are set together or not at all',
    );
  }

  return {
    production,
    port: e.PORT,
    host: e.HOST,
    database: parseDatabaseUrl(e.DATABASE_URL ?? 'sqlite:data/seamless.sqlite'),
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    sessionMaxAge: e.SESSION_MAX_AGE,
    refreshReuseGrace: e.REFRESH_REUSE_GRACE,
    revocationPollInterval: e.REVOCATION_POLL_INTERVAL,
    revocationCheck: e.REVOCATION_CHECK,
    loginMaxAttempts: e.LOGIN_MAX_ATTEMPTS,
    loginWindow: e.LOGIN_WINDOW,
    loginIpMaxAttempts: e.LOGIN_IP_MAX_ATTEMPTS,
    registerMaxPerIp: e.REGISTER_MAX_PER_IP,
    loginQueueTimeout: e.LOGIN_QUEUE_TIMEOUT,
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    jwtIssuer: e.JWT_ISSUER ?? `http://localhost:${e.PORT}`,
    jwtAudience: e.JWT_AUDIENCE,
    corsOrigins: parseCorsOrigins(e.CORS_ORIGINS, production),
    refreshCookie: refreshCookieOf(e.REFRESH_COOKIE_ORIGINS, e.REFRESH_COOKIE_SAME_SITE),
    seedDemoUser: e.SEED_DEMO_USER ?? !production,
    docs: e.DOCS ?? !production,
    signingKeys: e.JWT_SIGNING_KEYS,
    currentKid: e.JWT_CURRENT_KID,
    refreshTokenSecret: e.REFRESH_TOKEN_SECRET,
    keysFile: resolve(e.KEYS_FILE),
    logLevel: e.LOG_LEVEL,
    webDir: resolve(e.WEB_DIR),
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    bodyLimit: e.BODY_LIMIT,
  };
}

function trustProxyOf(raw: string): TrustProxy {
  try {
    return parseTrustProxy(raw);
  } catch (error) {
    throw new ConfigError(`Invalid configuration: TRUST_PROXY: ${(error as Error).message}`);
  }
}

function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('mysql://')) {
    return { type: 'mysql', url };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { type: 'postgres', url };
  }
  const path = url.slice('sqlite:'.length);
  return { type: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
}

function parseCorsOrigins(raw: string | undefined, production: boolean): AppConfig['corsOrigins'] {
  if (raw === undefined || raw.trim() === '') {
    // Outside production any origin may call the API (local front-ends on other ports);
    // in production only the origins named in CORS_ORIGINS, never a reflected one.
    return production ? 'none' : 'any';
  }
  const origins = raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        'Invalid configuration: CORS_ORIGINS: expected origins such as https://app.example.com',
      );
    }
  }
  return origins;
}

function refreshCookieOf(
  raw: string | undefined,
  sameSite: RefreshCookieConfig['sameSite'],
): RefreshCookieConfig {
  const origins = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    // The cookie is Secure: a page that may use it must be served over HTTPS, or be
    // the loopback that browsers treat as secure in development.
    if (
      !/^https:\/\/[^/\s]+$/.test(origin) &&
      !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(origin)
    ) {
      throw new ConfigError(
        'Invalid configuration: REFRESH_COOKIE_ORIGINS: expected https:// origins such as https://app.example.com (http:// only for localhost)',
      );
    }
  }
  if (sameSite === 'none' && origins.length === 0) {
    throw new ConfigError(
      'Invalid configuration: REFRESH_COOKIE_SAME_SITE=None needs the app origins that may use the cookie in REFRESH_COOKIE_ORIGINS',
    );
  }
  // As browsers write them: lower case, no default port.
  return { sameSite, origins: origins.map((origin) => new URL(origin).origin) };
}
