// Several tabs of one origin in real Chromium, against the real server: one refresh
// for all of them, and one sign-out for all of them.
import { build } from 'esbuild';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium } from '@seamless/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Harness } from './browser/page.js';
import { CountingProxy } from './helpers/proxy.js';
import { repoRoot, startServer, type RunningServer } from './helpers/server.js';
import { PASSWORD, sleep, USERNAME, within } from './helpers/util.js';

declare const harness: Harness;

const TTL_SECONDS = 3;

let server: RunningServer;
let proxy: CountingProxy;
let browser: Browser | null = null;
let launchError: unknown = null;

before(async () => {
  server = await startServer({ ACCESS_TOKEN_TTL: `${TTL_SECONDS}s` });
  proxy = await new CountingProxy(server.url).start();
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
  try {
    browser = await launchChromium();
  } catch (error) {
    launchError = error;
  }
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
});

/** Skips the test when Chromium cannot start, except on CI where that is a failure. */
function requireBrowser(t: { skip: (message: string) => void }): Browser | null {
  if (browser) {
    return browser;
  }
  if (process.env.CI === 'true') {
    throw new Error(`Chromium did not start: ${String(launchError)}`);
  }
  t.skip(`Chromium did not start: ${String(launchError)}`);
  return null;
}

async function openTabs(
  context: BrowserContext,
  count: number,
  url = `${proxy.url}/`,
): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i += 1) {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 10_000 });
    pages.push(page);
  }
  return pages;
}

/** Every tab fires `perTab` requests at the same wall-clock moment. */
async function fireEverywhere(pages: Page[], perTab: number): Promise<string[][]> {
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

const refreshes = (): number => proxy.count('POST', '/user/refresh');

async function assertNobodySignedOut(pages: Page[]): Promise<void> {
  for (const page of pages) {
    assert.equal(await page.evaluate(() => harness.signedIn()), true);
    assert.equal((await page.evaluate(() => harness.seen())).sessionExpired, 0);
  }
}

/**
 * Runs `body` with `count` tabs of one fresh browser context, signed in from the first
 * tab; `prepare` may adjust the context before the tabs open. Skips where no browser
 * may run (never under CI=true).
 */
async function withSignedInTabs(
  t: { skip: (message: string) => void },
  count: number,
  body: (pages: Page[]) => Promise<void>,
  prepare?: (context: BrowserContext) => Promise<void>,
): Promise<void> {
  const running = requireBrowser(t);
  if (!running) {
    return;
  }
  const context = await running.newContext();
  try {
    await prepare?.(context);
    const pages = await openTabs(context, count);
    await pages[0].evaluate(([u, p]) => harness.login(u, p), [USERNAME, PASSWORD] as const);
    await body(pages);
  } finally {
    await context.close();
  }
}

/** As in a browser without Web Locks (or on an http:// origin other than localhost). */
async function withoutWebLocks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined });
  });
}

void describe('tabs of one origin in Chromium', () => {
  for (const tabs of [2, 5]) {
    void test(`${tabs} tabs on a spoiled access token make exactly one refresh and all succeed`, async (t) => {
      await withSignedInTabs(t, tabs, async (pages) => {
        assert.equal(await pages[0].evaluate(() => harness.hasWebLocks()), true);
        await pages[0].evaluate(() => harness.spoil());
        proxy.reset();

        const results = await fireEverywhere(pages, 4);

        assert.deepEqual(
          results.flat(),
          Array.from({ length: tabs * 4 }, () => '200 bbb'),
        );
        assert.equal(refreshes(), 1, 'one refresh reached the server');
        await assertNobodySignedOut(pages);
        const seen = await Promise.all(pages.map((page) => page.evaluate(() => harness.seen())));
        assert.equal(
          seen.reduce((sum, tab) => sum + tab.refreshesHere, 0),
          1,
          'one tab refreshed, the others adopted its tokens',
        );
      });
    });
  }

  void test('5 tabs across a natural expiry refresh once, before any request is rejected', async (t) => {
    await withSignedInTabs(t, 5, async (pages) => {
      await sleep((TTL_SECONDS + 0.2) * 1000);
      proxy.reset();

      const results = await fireEverywhere(pages, 4);

      assert.deepEqual(
        results.flat(),
        Array.from({ length: 20 }, () => '200 bbb'),
      );
      assert.equal(refreshes(), 1);
      assert.equal(proxy.count('GET', '/bbb', 401), 0, 'no request was rejected');
      await assertNobodySignedOut(pages);
    });
  });

  void test('without Web Locks, the message fallback still shares the refresh', async (t) => {
    await withSignedInTabs(
      t,
      5,
      async (pages) => {
        assert.equal(await pages[0].evaluate(() => harness.hasWebLocks()), false);
        await pages[0].evaluate(() => harness.spoil());
        proxy.reset();

        const results = await fireEverywhere(pages, 4);

        assert.deepEqual(
          results.flat(),
          Array.from({ length: 20 }, () => '200 bbb'),
        );
        assert.equal(refreshes(), 1);
        await assertNobodySignedOut(pages);
      },
      withoutWebLocks,
    );
  });

  for (const end of ['closes', 'crashes'] as const) {
    void test(`without Web Locks, a tab that ${end} mid-refresh does not cost the others their session`, async (t) => {
      await withSignedInTabs(
        t,
        2,
        async ([closing, staying]) => {
          assert.equal(await staying.evaluate(() => harness.hasWebLocks()), false);
          await closing.evaluate(() => harness.spoil());
          proxy.reset();
          // The server rotates the token, and its answer never reaches the closing tab.
          const answer = proxy.answers('/user/refresh', 'hold');
          void closing.evaluate(() => harness.fireAt(0, 1)).catch(() => undefined);
          await within(10_000, 'the refresh reaching the server', answer.answered);
          if (end === 'closes') {
            await closing.close();
          } else {
            // A renderer crash: no pagehide, the claim just stops being renewed.
            const cdp = await closing.context().newCDPSession(closing);
            const crashed = new Promise((resolve) => closing.once('crash', resolve));
            void cdp.send('Page.crash').catch(() => undefined);
            await within(10_000, 'the crash', crashed);
          }

          const results = await within(
            40_000,
            "the other tab's requests",
            staying.evaluate(() => harness.fireAt(0, 2)),
          );
          answer.release();

          assert.deepEqual(results, ['200 bbb', '200 bbb']);
          await assertNobodySignedOut([staying]);
          assert.equal(proxy.count('POST', '/user/refresh', 401), 0, 'no refresh was refused');
        },
        withoutWebLocks,
      );
    });
  }

  void test('a refresh answer that lands after another tab signed out does not sign anyone back in', async (t) => {
    await withSignedInTabs(t, 2, async ([refreshing, leaving]) => {
      const pair = await refreshing.evaluate(() => harness.tokens());
      await refreshing.evaluate(() => harness.spoil());
      proxy.reset();
      const answer = proxy.answers('/user/refresh', 'hold');
      const call = refreshing.evaluate(() => harness.fireAt(0, 1));
      await within(10_000, 'the refresh reaching the server', answer.answered);

      await leaving.evaluate(() => harness.logout());
      answer.release();

      assert.deepEqual(await within(10_000, 'the request', call), ['SessionExpiredError']);
      for (const page of [refreshing, leaving]) {
        assert.equal(await page.evaluate(() => harness.signedIn()), false);
        assert.equal((await page.evaluate(() => harness.seen())).sessionExpired, 0);
      }
      const reuse = await fetch(`${server.url}/user/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: pair?.refresh_token }),
      });
      assert.equal(reuse.status, 401, 'the session ended on the server');
    });
  });

  void test('an app on another origin than its API refreshes when the API blames the token', async (t) => {
    const running = requireBrowser(t);
    if (!running) {
      return;
    }
    // The page comes from a second origin; the API stays behind the first proxy.
    const app = await new CountingProxy(server.url).start();
    for (const [path, file] of proxy.statics) {
      app.statics.set(path, file);
    }
    const context = await running.newContext();
    try {
      const [page] = await openTabs(context, 1, `${app.url}/?api=${encodeURIComponent(proxy.url)}`);
      await page.evaluate(([u, p]) => harness.login(u, p), [USERNAME, PASSWORD] as const);
      await page.evaluate(() => harness.spoil());
      proxy.reset();

      const results = await within(
        20_000,
        'the requests',
        page.evaluate(() => harness.fireAt(0, 4)),
      );

      assert.deepEqual(results, ['200 bbb', '200 bbb', '200 bbb', '200 bbb']);
      assert.equal(refreshes(), 1);
    } finally {
      await context.close();
      await app.close();
    }
  });

  void test('a session revoked elsewhere ends in every tab with one refresh attempt', async (t) => {
    await withSignedInTabs(t, 5, async (pages) => {
      const token = await pages[0].evaluate(() => harness.accessToken());
      const revoke = await fetch(`${server.url}/user/sessions`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token ?? ''}` },
      });
      assert.equal(revoke.status, 204);
      await pages[0].evaluate(() => harness.spoil());
      proxy.reset();

      const results = await fireEverywhere(pages, 2);

      assert.deepEqual(
        results.flat(),
        Array.from({ length: 10 }, () => 'SessionExpiredError'),
      );
      assert.equal(refreshes(), 1);
      for (const page of pages) {
        assert.equal(await page.evaluate(() => harness.signedIn()), false);
        assert.equal((await page.evaluate(() => harness.seen())).sessionExpired, 1);
      }
    });
  });

  void test('logging out in one tab signs every tab out', async (t) => {
    await withSignedInTabs(t, 3, async (pages) => {
      for (const page of pages) {
        assert.equal(await page.evaluate(() => harness.signedIn()), true);
      }
      proxy.reset();

      await pages[1].evaluate(() => harness.logout());

      for (const page of [pages[0], pages[2]]) {
        await page.waitForFunction(
          () => harness.seen().lastTokensFromOtherTab === 'null',
          undefined,
          {
            timeout: 5000,
          },
        );
        assert.equal(await page.evaluate(() => harness.signedIn()), false);
        assert.deepEqual(await page.evaluate(() => harness.fireAt(0, 2)), ['401', '401']);
      }
      assert.equal(proxy.count('POST', '/user/logout', 204), 1, 'the session was revoked');
      assert.equal(refreshes(), 0);
    });
  });
});
