// Several tabs of one origin in real Chromium, against the real server: one refresh
// for all of them, and one sign-out for all of them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Harness } from './browser/page.js';
import { CountingProxy } from './helpers/proxy.js';
import {
  allServed,
  assertNobodySignedOut,
  fireEverywhere,
  oneRefreshForAllTabs,
  openTabs,
  startTabs,
  tabScenarios,
  withoutWebLocks,
  withSignedInTabs,
} from './helpers/tabs.js';
import { PASSWORD, USERNAME, within } from './helpers/util.js';

declare const harness: Harness;

const tabs = await startTabs();
const { server, proxy } = tabs;
const refreshes = (): number => proxy.count('POST', '/user/refresh');

void describe('tabs of one origin in Chromium', { skip: tabs.skip }, () => {
  tabScenarios(tabs, 'storage');

  void test('without Web Locks, the message fallback still shares the refresh', async () => {
    await oneRefreshForAllTabs(tabs, 'storage', 5, false);
  });

  for (const end of ['closes', 'crashes'] as const) {
    void test(`without Web Locks, a tab that ${end} mid-refresh does not cost the others their session`, async () => {
      await withSignedInTabs(
        tabs,
        'storage',
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

          assert.deepEqual(results, allServed(2));
          await assertNobodySignedOut([staying]);
          assert.equal(proxy.count('POST', '/user/refresh', 401), 0, 'no refresh was refused');
        },
        withoutWebLocks,
      );
    });
  }

  void test('a refresh answer that lands after another tab signed out does not sign anyone back in', async () => {
    await withSignedInTabs(tabs, 'storage', 2, async ([refreshing, leaving]) => {
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

  void test('an app on another origin than its API refreshes when the API blames the token', async () => {
    // The page comes from a second origin; the API stays behind the first proxy.
    const app = await new CountingProxy(server.url).start();
    for (const [path, file] of proxy.statics) {
      app.statics.set(path, file);
    }
    const context = await tabs.browser().newContext();
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

      assert.deepEqual(results, allServed(4));
      assert.equal(refreshes(), 1);
    } finally {
      await context.close();
      await app.close();
    }
  });

  void test('a session revoked elsewhere ends in every tab with one refresh attempt', async () => {
    await withSignedInTabs(tabs, 'storage', 5, async (pages) => {
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
});
