import { randomBytes } from 'node:crypto';
import type { TokenPair } from '@seamless/testing';

/** An account created for one test. */
export interface Account {
  readonly username: string;
  readonly password: string;
}

/** One entry of `GET /user/sessions`. */
export interface SessionInfo {
  readonly id: string | number;
  readonly current: boolean;
  readonly userAgent: string | null;
}

async function send<T>(
  url: string,
  method: string,
  body?: unknown,
  accessToken?: string,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  if (accessToken !== undefined) {
    headers.authorization = `Bearer ${accessToken}`;
  }
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/**
 * Registers a fresh user (one per test, so tests never share server state), named
 * `name`, with a random suffix unless `suffix` is false.
 */
export async function createAccount(
  baseUrl: string,
  name: string,
  suffix = true,
): Promise<Account> {
  const account = {
    username: suffix ? `${name}_${randomBytes(4).toString('hex')}` : name,
    password: `pw-${randomBytes(6).toString('hex')}`,
  };
  await send(`${baseUrl}/user/register`, 'POST', account);
  return account;
}

/** Signs in over HTTP: a session of its own, apart from the browser's. */
export async function login(baseUrl: string, account: Account): Promise<TokenPair> {
  return send<TokenPair>(`${baseUrl}/user/login`, 'POST', account);
}

/** The user's sessions, seen with the given access token. */
export async function listSessions(baseUrl: string, accessToken: string): Promise<SessionInfo[]> {
  return send<SessionInfo[]>(`${baseUrl}/user/sessions`, 'GET', undefined, accessToken);
}

/** Revokes one session of the user. */
export async function revokeSession(
  baseUrl: string,
  accessToken: string,
  id: string | number,
): Promise<void> {
  await send(
    `${baseUrl}/user/sessions/${encodeURIComponent(String(id))}`,
    'DELETE',
    undefined,
    accessToken,
  );
}

/** Exchanges a refresh token over HTTP; resolves to the status code. */
export async function refreshStatus(baseUrl: string, refreshToken: string): Promise<number> {
  const response = await fetch(`${baseUrl}/user/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}
