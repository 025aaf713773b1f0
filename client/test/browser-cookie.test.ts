// Cookie mode in real Chromium against the real server: the refresh token lives in an
// httpOnly cookie that no script can read, tabs still share one refresh per expiry, a
// reload restores the session, and pages of other origins and sites can do nothing with
// the cookie.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { freePort } from '@seamless/testing';
import type { Harness } from './browser/page.js';
import { CountingProxy } from './helpers/proxy.js';
import { startServer } from './helpers/server.js';
import {
  allServed,
  assertNobodySignedOut,
  fireEverywhere,
  harnessReady,
  openTabs,
  refreshCookie,
  startTabs,
  tabScenarios,
  TTL_SECONDS,
  withSignedInTabs,
} from './helpers/tabs.js';
import { PASSWORD, until, USERNAME, within } from './helpers/util.js';

declare const harness: Harness;

/** A second site on this machine: Chromium resolves it to the loopback. */
const OTHER_SITE = 'attacker.test';

const tabs = await startTabs([`--host-resolver-rules=MAP ${OTHER_SITE} 127.0.0.1`]);
const { server, proxy } = tabs;
const refreshes = (status?: number): number => proxy.count('POST', '/user/refresh', status);

void describe('cookie mode in Chromium', { skip: tabs.skip }, () => {
  tabScenarios(tabs, 'cookie');

  void test('after login no refresh token is in localStorage, sessionStorage, document.cookie, IndexedDB or any answer the page received', async () => {
    const context = await tabs.browser().newContext();
    try {
      const page = await context.newPage();
      const answers: Promise<{ json: boolean; text: string }>[] = [];
      page.on('response', (response) => {
        const json = (response.headers()['content-type'] ?? '').includes('json');
        answers.push(
          response.text().then(
            (text) => ({ json, text }),
            () => ({ json, text: '' }),
          ),
        );
      });
      await page.goto(tabs.pageUrl('cookie'));
      await harnessReady(page);
      await page.evaluate(([u, p]) => harness.login(u, p), [USERNAME, PASSWORD] as const);
      assert.equal(await page.evaluate(() => harness.refresh()), 'ok');

      const cookie = await refreshCookie(context);
      assert.ok(cookie, 'the server set the refresh cookie');
      assert.ok(cookie.value.length > 40);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.secure, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.path, '/user');

      const visible = await page.evaluate(async () => {
        const entries = (storage: Storage): string => JSON.stringify(Object.entries(storage));
        const databases: unknown[] = [];
        for (const { name } of await indexedDB.databases()) {
          if (name === undefined) {
            continue;
          }
          const db = await new Promise<IDBDatabase>((resolve, reject) => {
            const request = indexedDB.open(name);
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => reject(request.error ?? new Error('open failed'));
          });
          for (const store of Array.from(db.objectStoreNames)) {
            databases.push(
              await new Promise((resolve) => {
                const request = db.transaction(store).objectStore(store).getAll();
                request.onsuccess = () => resolve(request.result);
              }),
            );
          }
          db.close();
        }
        return {
          localStorage: entries(localStorage),
          sessionStorage: entries(sessionStorage),
          documentCookie: document.cookie,
          indexedDB: JSON.stringify(databases),
          tokens: JSON.stringify(await harness.tokens()),
        };
      });
      assert.deepEqual(visible, {
        localStorage: '[]',
        sessionStorage: '[]',
        documentCookie: '',
        indexedDB: '[]',
        tokens: visible.tokens,
      });
      assert.ok(!visible.tokens.includes(cookie.value));
      assert.doesNotMatch(visible.tokens, /refresh_token/);
      const seen = await Promise.all(answers);
      assert.ok(
        seen.some(({ text }) => text.includes('access_token')),
        'the answers were read',
      );
      for (const { json, text } of seen) {
        assert.ok(!text.includes(cookie.value), 'no answer carried the refresh token');
        if (json) {
          assert.doesNotMatch(text, /refresh_token/);
        }
      }
    } finally {
      await context.close();
    }
  });

  void test('a reload is still signed in, with one refresh and no 401, and the app hears it as the initial state', async () => {
    await withSignedInTabs(tabs, 'cookie', 1, async ([page]) => {
      proxy.reset();

      await page.reload();
      await harnessReady(page);
      await page.waitForFunction(() => harness.seen().tokens.length > 0);

      assert.deepEqual((await page.evaluate(() => harness.seen())).tokens, ['initial:pair']);
      assert.equal(refreshes(200), 1);
      assert.equal(refreshes(), 1);
      assert.deepEqual(await page.evaluate(() => harness.fireAt(0, 2)), allServed(2));
      assert.equal(proxy.count('GET', '/bbb', 401), 0);
    });
  });

  void test('reloading five tabs at once ends with all five signed in, a handful of refreshes, none refused', async (t) => {
    await withSignedInTabs(tabs, 'cookie', 5, async (pages) => {
      proxy.reset();

      await within(20_000, 'the reloads', Promise.all(pages.map((page) => page.reload())));
      for (const page of pages) {
        await harnessReady(page);
        await page.waitForFunction(() => harness.seen().tokens.length > 0);
      }

      for (const page of pages) {
        // Signed in from the first word; a later tab's refresh may follow.
        const { tokens } = await page.evaluate(() => harness.seen());
        assert.equal(tokens[0], 'initial:pair');
        assert.ok(!tokens.some((event) => event.endsWith(':null')), tokens.join());
      }
      const made = refreshes();
      assert.ok(made >= 1 && made <= 5, `${made} refreshes`);
      assert.equal(refreshes(401), 0, 'no refresh was refused');
      const results = await fireEverywhere(pages, 2);
      assert.deepEqual(results.flat(), allServed(10));
      await assertNobodySignedOut(pages);
      t.diagnostic(`refreshes for 5 tabs reloaded at once: ${made}`);
    });
  });

  // localhost and 127.0.0.1 are two sites, both secure contexts, so the second case is a
  // real third-party cookie: SameSite=None and Partitioned by the app's site.
  for (const { where, appHost, sameSite } of [
    { where: 'another origin of the same site', appHost: '127.0.0.1', sameSite: 'Strict' },
    {
      where: 'another site (REFRESH_COOKIE_SAME_SITE=None)',
      appHost: 'localhost',
      sameSite: 'None',
    },
  ] as const) {
    void test(`an app on ${where}, listed by the server, signs in, shares one refresh and survives a reload through the cookie`, async () => {
      const appPort = await freePort();
      const appOrigin = `http://${appHost}:${appPort}`;
      const apiServer = await startServer({
        ACCESS_TOKEN_TTL: `${TTL_SECONDS}s`,
        REFRESH_COOKIE_ORIGINS: appOrigin,
        ...(sameSite === 'None' ? { REFRESH_COOKIE_SAME_SITE: 'None' } : {}),
      });
      const api = await new CountingProxy(apiServer.url).start();
      const app = await new CountingProxy(apiServer.url).start(appPort);
      for (const [path, file] of proxy.statics) {
        app.statics.set(path, file);
      }
      const context = await tabs.browser().newContext();
      try {
        const url = `${appOrigin}/?mode=cookie&api=${encodeURIComponent(api.url)}`;
        const [page] = await openTabs(context, 1, url);
        await page.evaluate(([u, p]) => harness.login(u, p), [USERNAME, PASSWORD] as const);
        assert.equal((await refreshCookie(context))?.sameSite, sameSite);
        await page.evaluate(() => harness.spoil());
        api.reset();

        assert.deepEqual(await page.evaluate(() => harness.fireAt(0, 4)), allServed(4));
        assert.equal(api.count('POST', '/user/refresh', 200), 1);

        api.reset();
        await page.reload();
        await harnessReady(page);
        await page.waitForFunction(() => harness.seen().tokens.length > 0);
        assert.deepEqual((await page.evaluate(() => harness.seen())).tokens, ['initial:pair']);
        assert.equal(api.count('POST', '/user/refresh', 200), 1);
        assert.equal(api.count('POST', '/user/refresh', 403), 0);
      } finally {
        await context.close();
        await app.close();
        await api.close();
        await apiServer.stop();
      }
    });
  }

  for (const [where, host] of [
    ['another origin of the same site', '127.0.0.1'],
    ['another site', OTHER_SITE],
  ] as const) {
    void test(`a page on ${where} that posts to /user/refresh and /user/logout with credentials, by fetch and by forms, gets no token and harms no session`, async () => {
      await withSignedInTabs(tabs, 'cookie', 1, async ([victim], context) => {
        const attacker = await new CountingProxy(server.url).start();
        attacker.statics.set('/', { type: 'text/html', body: ATTACK_PAGE });
        try {
          const before = await refreshCookie(context);
          const page = await context.newPage();
          await page.goto(`http://${host}:${new URL(attacker.url).port}/`);
          proxy.reset();

          const outcomes = await within(
            30_000,
            'the attack',
            page.evaluate(
              (target) => (globalThis as unknown as Attacker).attack(target),
              proxy.url,
            ),
          );
          // Every post that needs no preflight reached the server.
          await within(
            10_000,
            'the form posts',
            until(
              () =>
                proxy.count('POST', '/user/refresh') >= POSTS &&
                proxy.count('POST', '/user/logout') >= POSTS,
            ),
          );

          assert.equal(outcomes['fetch /user/refresh'], 'TypeError', 'the preflight refused it');
          assert.equal(outcomes['fetch /user/logout'], 'TypeError');
          const answered = proxy.hits.filter(
            (hit) =>
              hit.method !== 'OPTIONS' && ['/user/refresh', '/user/logout'].includes(hit.path),
          );
          assert.ok(answered.length >= 2 * POSTS);
          for (const hit of answered) {
            assert.ok(
              hit.status >= 400 && hit.status < 500,
              `${hit.method} ${hit.path} ${hit.status}`,
            );
          }
          assert.equal((await refreshCookie(context))?.value, before?.value, 'nothing rotated');

          assert.equal(await victim.evaluate(() => harness.refresh()), 'ok');
          assert.deepEqual(await victim.evaluate(() => harness.fireAt(0, 1)), allServed(1));
          await assertNobodySignedOut([victim]);
        } finally {
          await attacker.close();
        }
      });
    });
  }
});

/** Posts per path in the attack page that reach the server: a no-cors fetch and three forms. */
const POSTS = 4;

interface Attacker {
  attack(api: string): Promise<Record<string, string>>;
}

/**
 * What a hostile page can send with the victim's cookies: fetch with credentials (JSON
 * with the cookie-mode header, which needs a preflight; and a no-cors text/plain post),
 * each kind of HTML form, and an image.
 */
const ATTACK_PAGE = `<!doctype html><meta charset="utf-8"><title>Attacker</title><body><script>
const post = (api, path, enctype) => new Promise((resolve) => {
  const frame = document.createElement('iframe');
  frame.name = 'f' + Math.random().toString(36).slice(2);
  document.body.append(frame);
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = api + path;
  form.enctype = enctype;
  form.target = frame.name;
  const input = document.createElement('input');
  input.name = '{"refresh_token":"x","padding":"';
  input.value = '"}';
  form.append(input);
  document.body.append(form);
  frame.addEventListener('load', resolve, { once: true });
  setTimeout(resolve, 3000);
  form.submit();
});
window.attack = async (api) => {
  const outcomes = {};
  for (const path of ['/user/refresh', '/user/logout']) {
    outcomes['fetch ' + path] = await fetch(api + path, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', 'Seamless-Session': 'cookie' },
      body: '{}',
    }).then((r) => String(r.status), (e) => e.name);
    outcomes['no-cors ' + path] = await fetch(api + path, {
      method: 'POST',
      credentials: 'include',
      mode: 'no-cors',
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    }).then((r) => r.type, (e) => e.name);
    for (const enctype of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data']) {
      await post(api, path, enctype);
    }
  }
  await new Promise((resolve) => {
    const image = new Image();
    image.onload = image.onerror = resolve;
    image.src = api + '/user/refresh';
  });
  return outcomes;
};
</script>`;
