import type { BrowserContext, Page } from 'playwright-core';
import { waitFor } from '@seamless/testing';
import type { Account } from './api.js';

/** How long the page may take to show what a test waits for (as long as Playwright's waits). */
export const UI_PATIENCE_MS = 15_000;

/** The sign-in form's words: English unless the page speaks another language. */
export interface SignInWords {
  readonly username: string;
  readonly password: string;
  readonly logIn: string;
  readonly logOut: string;
}

const ENGLISH_SIGN_IN: SignInWords = {
  username: 'Username',
  password: 'Password',
  logIn: 'Log in',
  logOut: 'Log out',
};

/** Signs in through the form, as a person would, and waits for the dashboard. */
export async function signIn(
  page: Page,
  account: Account,
  words: SignInWords = ENGLISH_SIGN_IN,
): Promise<void> {
  await page.getByLabel(words.username, { exact: true }).fill(account.username);
  await page.getByLabel(words.password, { exact: true }).fill(account.password);
  await page.getByRole('button', { name: words.logIn, exact: true }).click();
  await page.getByRole('button', { name: words.logOut, exact: true }).waitFor();
}

/**
 * The answers currently shown under the call buttons ("bbb", "…", an error), in the
 * region named `region` (the English name unless the page speaks another language).
 */
export async function answers(page: Page, region = 'Answers'): Promise<string[]> {
  const outputs = page.getByRole('region', { name: region, exact: true }).getByRole('status');
  return (await outputs.allTextContents()).map((text) => text.trim());
}

/** Waits until the page shows `count` answers and none is still pending; returns them. */
export async function settledAnswers(
  page: Page,
  count: number,
  region = 'Answers',
): Promise<string[]> {
  let shown: string[] = [];
  await waitFor(
    `${count} settled answers`,
    async () => {
      shown = await answers(page, region);
      return shown.length === count && shown.every((answer) => answer !== '…');
    },
    UI_PATIENCE_MS,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)} (last seen: ${JSON.stringify(shown)})`);
  });
  return shown;
}

/** The remaining lifetime shown for a token ("3.2s", "expired"). */
export async function countdown(
  page: Page,
  token: 'Access token' | 'Refresh token',
): Promise<string> {
  return (await page.getByRole('timer', { name: token, exact: true }).textContent()) ?? '';
}

/** A counter of the dashboard ("Requests sent", "Refreshes done", "401s seen"). */
export async function counter(
  page: Page,
  name: 'Requests sent' | 'Refreshes done' | '401s seen',
): Promise<number> {
  // The group reads "<value><label>"; the label is its accessible name.
  const text = await page.getByRole('group', { name, exact: true }).textContent();
  return Number.parseInt((text ?? '').replace(name, ''), 10);
}

/** What the browser itself sent and received, as seen through the DevTools protocol. */
export interface NetworkWatch {
  /** Requests whose path is `path` seen since the last `reset()`. */
  count(path: string): number;
  /** Responses with this status seen since the last `reset()`. */
  statuses(status: number): string[];
  /** Requests sent that have neither finished nor failed. */
  pending(): number;
  /** Forgets what was seen so far (pending requests stay tracked). */
  reset(): void;
}

/** Starts recording the requests of a page or of every page of a context. */
export function watchNetwork(target: Page | BrowserContext): NetworkWatch {
  let paths: string[] = [];
  let responses: { status: number; path: string }[] = [];
  const open = new Set<unknown>();
  const pathOf = (url: string): string => new URL(url).pathname;
  target.on('request', (request) => {
    paths.push(pathOf(request.url()));
    open.add(request);
  });
  target.on('response', (response) => {
    responses.push({ status: response.status(), path: pathOf(response.url()) });
  });
  target.on('requestfinished', (request) => open.delete(request));
  target.on('requestfailed', (request) => open.delete(request));
  return {
    count: (path) => paths.filter((seen) => seen === path).length,
    statuses: (status) =>
      responses.filter((response) => response.status === status).map((r) => r.path),
    pending: () => open.size,
    reset() {
      paths = [];
      responses = [];
    },
  };
}
