import { decodeJwtPart, sleep } from '@seamless/testing';
import type { AuthClient, TokenPair } from '../../src/index.js';

export { sleep };

export const USERNAME = 'guang';
export const PASSWORD = '123456';

/** Fails instead of hanging when `promise` does not settle within `ms`. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Replaces the stored access token's signature, as a person editing storage would. */
export async function spoilAccessToken(client: AuthClient): Promise<TokenPair> {
  const pair = await client.getTokens();
  if (!pair) {
    throw new Error('not signed in');
  }
  const [header, payload] = pair.access_token.split('.');
  const spoiled = { ...pair, access_token: `${header}.${payload}.spoiled` };
  await client.setTokens(spoiled);
  return spoiled;
}

/** Signs in directly at the server (a second session), bypassing the client. */
export async function loginDirectly(serverUrl: string): Promise<TokenPair> {
  const response = await fetch(`${serverUrl}/user/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
  });
  if (!response.ok) {
    throw new Error(`login failed: ${response.status}`);
  }
  return (await response.json()) as TokenPair;
}

/** Resolves once `condition()` holds, polling; wrap in `within` to bound it. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await sleep(10);
  }
}

/** Registers a new user at the server and returns its name (the password is `PASSWORD8`). */
export async function registerUser(serverUrl: string, prefix: string): Promise<string> {
  const username = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const response = await fetch(`${serverUrl}/user/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD8 }),
  });
  if (response.status !== 201) {
    throw new Error(`register failed: ${response.status}`);
  }
  return username;
}

/** A password that satisfies the server's policy for new accounts. */
export const PASSWORD8 = 'correct horse battery';

/** The `username` claim of an access token (read, not verified). */
export function usernameIn(accessToken: string | undefined): unknown {
  return decodeJwtPart(accessToken ?? '', 1).username;
}

/** Whether the server still accepts this refresh token (a refresh that rotates it). */
export async function refreshWorks(serverUrl: string, refreshToken: string): Promise<boolean> {
  const response = await fetch(`${serverUrl}/user/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
  await response.body?.cancel();
  return response.ok;
}
