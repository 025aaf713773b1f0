// Tabs of the test page (test/browser/page.ts) in Chromium, against the real server: the
// page bundled and served by a counting proxy, tabs opened on it, requests fired from
// every tab at one moment, and the scenarios that hold whichever way the page keeps its
// refresh token.
import { build } from 'esbuild';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { launchChromium, sleep, unavailable } from '@seamless/testing';
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core';
import type { Harness } from '../browser/page.js';
import type { CountingProxy } from './proxy.js';
import { repoRoot, serverBehindProxy, type RunningServer } from './server.js';
import { PASSWORD, USERNAME, within } from './util.js';

declare const harness: Harness;

/** Where the page keeps the refresh token: in storage, or in the server's httpOnly cookie. */
export type Mode = 'storage' | 'cookie';

/** The access-token lifetime of the server the tabs talk to. */
export const TTL_SECONDS = 3;

const COOKIE = '__Secure-seamless-refresh';

/** What a file of tab tests works with. */
export interface Tabs {
  readonly server: RunningServer;
  /** In front of the server; serves the test page at `/`. */
  readonly proxy: CountingProxy;
  /** Why the file's tests skip: Chromium did not start (under CI a failing test besides). */
  readonly skip: string | false;
  /** Chromium; only tests that were not skipped ask for it. */
  browser(): Browser;
  /** The test page on the proxy, in `mode`. */
  pageUrl(mode: Mode): string;
}

/**
 * For the file that calls this at its top level: the server (access tokens of
 * TTL_SECONDS) behind a proxy serving the test page, and Chromium started with
 * `chromiumArgs`; all of them stop after the file's tests.
 */
export async function startTabs(chromiumArgs: string[] = []): Promise<Tabs> {
  const { server, proxy } = await serverBehindProxy({ ACCESS_TOKEN_TTL: `${TTL_SECONDS}s` });
  await serveTestPage(proxy);
  let browser: Browser | undefined;
  let skip: string | false = false;
  try {
    const launched = await launchChromium(chromiumArgs);
    after(() => launched.close());
    browser = launched;
  } catch (error) {
    skip = unavailable(`Chromium did not start: ${String(error)}`);
  }
  return {
    server,
    proxy,
    skip,
    browser: () => {
      if (!browser) {
        throw new Error(`this test should have been skipped: ${String(skip)}`);
      }
      return browser;
    },
    pageUrl: (mode) => (mode === 'cookie' ? `${proxy.url}/?mode=cookie` : `${proxy.url}/`),
  };
}

/** Serves the test page (and its script) from `proxy`, at `/`. */
async function serveTestPage(proxy: CountingProxy): Promise<void> {
  const bundle = await build({
    entryPoints: [join(repoRoot(), 'client', 'test', 'browser', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  proxy.statics.set('/harness.js', {
    type: 'text/javascript',
    body: bundle.outputFiles[0]?.contents ?? '',
  });
  proxy.statics.set('/', {
    type: 'text/html',
    body: '<!doctype html><meta charset="utf-8"><title>Seamless client</title><script type="module" src="/harness.js"></script>',
  });
}

/** Waits until the page's script has loaded. */
export async function harnessReady(page: Page): Promise<void> {
  await page.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 10_000 });
}

/** Opens `count` tabs on `url`, one after the other, each with the page's script loaded. */
export async function openTabs(
  context: BrowserContext,
  count: number,
  url: string,
): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i += 1) {
    const page = await context.newPage();
    await page.goto(url);
    await harnessReady(page);
    pages.push(page);
  }
  return pages;
}

/** Every tab fires `perTab` requests at the same wall-clock moment; their outcomes. */
export async function fireEverywhere(pages: Page[], perTab: number): Promise<string[][]> {
  const at = Date.now() + 300;
  return within(
    20_000,
    'requests from every tab',
    Promise.all(
      pages.map((page) =>
        page.evaluate(([when, n]) => harness.fireAt(when, n), [at, perTab] as const),
      ),
    ),
  );
}

/** `count` answers `200 bbb`: every request succeeded. */
export const allServed = (count: number): string[] =>
  Array.from({ length: count }, () => '200 bbb');

/** The server's refresh cookie in `context`, if any. */
export async function refreshCookie(context: BrowserContext): Promise<Cookie | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === COOKIE);
}

export async function signedIn(page: Page): Promise<boolean> {
  return page.evaluate(() => harness.signedIn());
}

export async function assertNobodySignedOut(pages: Page[]): Promise<void> {
  for (const page of pages) {
    assert.equal(await signedIn(page), true);
    assert.equal((await page.evaluate(() => harness.seen())).sessionExpired, 0);
  }
}

/**
 * Runs `body` with `count` tabs in `mode` of one fresh browser context, signed in from
 * the first tab once every tab knows it; `prepare` may adjust the context before the
 * tabs open.
 */
export async function withSignedInTabs(
  tabs: Tabs,
  mode: Mode,
  count: number,
  body: (pages: Page[], context: BrowserContext) => Promise<void>,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<void> {
  const context = await tabs.browser().newContext();
  try {
    await prepare?.(context);
    const pages = await openTabs(context, count, tabs.pageUrl(mode));
    await pages[0].evaluate(([u, p]) => harness.login(u, p), [USERNAME, PASSWORD] as const);
    for (const page of pages) {
      await page.waitForFunction(() => harness.signedIn(), undefined, { timeout: 5000 });
    }
    await body(pages, context);
  } finally {
    await context.close();
  }
}

/** As in a browser without Web Locks (or on an http:// origin other than localhost). */
export async function withoutWebLocks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined });
  });
}

/**
 * `count` tabs fire at once on a spoiled access token: one refresh reaches the server,
 * made by one tab and adopted by the others, and every request succeeds.
 */
export async function oneRefreshForAllTabs(
  tabs: Tabs,
  mode: Mode,
  count: number,
  webLocks: boolean,
): Promise<void> {
  const { proxy } = tabs;
  await withSignedInTabs(
    tabs,
    mode,
    count,
    async (pages) => {
      assert.equal(await pages[0].evaluate(() => harness.hasWebLocks()), webLocks);
      await pages[0].evaluate(() => harness.spoil());
      proxy.reset();

      const results = await fireEverywhere(pages, 4);

      assert.deepEqual(results.flat(), allServed(count * 4));
      assert.equal(proxy.count('POST', '/user/refresh'), 1, 'one refresh reached the server');
      await assertNobodySignedOut(pages);
      const seen = await Promise.all(pages.map((page) => page.evaluate(() => harness.seen())));
      assert.equal(
        seen.reduce((sum, tab) => sum + tab.refreshesHere, 0),
        1,
        'one tab refreshed, the others adopted what it got',
      );
    },
    webLocks ? undefined : withoutWebLocks,
  );
}

/**
 * The tab scenarios that hold in either mode: one refresh for every tab, on a spoiled
 * token and across a natural expiry, and one sign-out for every tab.
 */
export function tabScenarios(tabs: Tabs, mode: Mode): void {
  const { proxy } = tabs;
  const refreshes = (): number => proxy.count('POST', '/user/refresh');

  for (const count of [2, 5]) {
    void test(`${count} tabs on a spoiled access token make exactly one refresh and all succeed`, async () => {
      await oneRefreshForAllTabs(tabs, mode, count, true);
    });
  }

  void test('5 tabs across a natural expiry refresh once, before any request is rejected', async () => {
    await withSignedInTabs(tabs, mode, 5, async (pages) => {
      await sleep((TTL_SECONDS + 0.2) * 1000);
      proxy.reset();

      const results = await fireEverywhere(pages, 4);

      assert.deepEqual(results.flat(), allServed(20));
      assert.equal(refreshes(), 1);
      assert.equal(proxy.count('GET', '/bbb', 401), 0, 'no request was rejected');
      await assertNobodySignedOut(pages);
    });
  });

  void test('logging out in one tab signs every tab out', async () => {
    await withSignedInTabs(tabs, mode, 3, async (pages, context) => {
      if (mode === 'cookie') {
        assert.ok(await refreshCookie(context), 'the server set the refresh cookie');
      }
      proxy.reset();

      await pages[1].evaluate(() => harness.logout());

      for (const page of [pages[0], pages[2]]) {
        await page.waitForFunction(
          () => harness.seen().lastTokensFromOtherTab === 'null',
          undefined,
          { timeout: 5000 },
        );
        assert.equal(await signedIn(page), false);
        assert.deepEqual(await page.evaluate(() => harness.fireAt(0, 2)), ['401', '401']);
      }
      assert.equal(proxy.count('POST', '/user/logout', 204), 1, 'the session was revoked');
      if (mode === 'cookie') {
        assert.equal(await refreshCookie(context), undefined, 'the cookie is gone');
      }
      assert.equal(refreshes(), 0);
    });
  });
}
