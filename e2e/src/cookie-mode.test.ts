import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { withHarness } from './support/harness.js';
import { counter, signIn } from './support/ui.js';

const COOKIE = '__Secure-seamless-refresh';

/** The "What a script in this page can see" panel's reading of a store. */
async function scriptSees(page: Page, store: 'localStorage' | 'document.cookie'): Promise<string> {
  const panel = page.getByRole('region', { name: 'What a script in this page can see' });
  return (await panel.getByRole('status', { name: store, exact: true }).textContent()) ?? '';
}

test('the demo signs in in cookie mode: no script can see the refresh token, and a reload comes back without the sign-in form', async (t) => {
  await withHarness(
    t,
    { name: 'cookie-mode' },
    async ({ account, context, openTab, screenshot }) => {
      // Notes whether the sign-in form ever shows, however briefly.
      await context.addInitScript(() => {
        new MutationObserver(() => {
          if (document.getElementById('username')) {
            (window as unknown as { sawSignIn: boolean }).sawSignIn = true;
          }
        }).observe(document, { childList: true, subtree: true });
      });
      const page = await openTab();
      assert.equal(await page.getByRole('radio', { name: 'httpOnly cookie' }).isChecked(), true);
      await signIn(page, account);

      assert.equal(await scriptSees(page, 'localStorage'), '(empty)');
      assert.equal(await scriptSees(page, 'document.cookie'), '(empty)');
      const cookie = (await context.cookies()).find((c) => c.name === COOKIE);
      assert.ok(cookie?.httpOnly, 'the refresh token is in an httpOnly cookie');

      await page.reload();
      await page.getByRole('button', { name: 'Log out' }).waitFor();

      assert.equal(
        await page.evaluate(() => 'sawSignIn' in window),
        false,
        'no sign-in form flashed',
      );
      assert.equal(await counter(page, '401s seen'), 0);
      await page.getByRole('heading', { name: `Signed in as ${account.username}` }).waitFor();
      await screenshot(page, '7-cookie-mode');
    },
  );
});

test('switching to localStorage mode shows the refresh token to every script; switching back hides it', async (t) => {
  await withHarness(t, { name: 'storage-mode' }, async ({ account, openTab, screenshot }) => {
    const page = await openTab();
    const other = await openTab();
    await signIn(page, account);

    // The switch signs out and then reloads, here and in the other tab: the form shows
    // before the reload, so wait for the reload itself.
    const reloaded = page.waitForEvent('load');
    await page.getByRole('radio', { name: 'localStorage' }).check();
    await reloaded;
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await other.getByRole('radio', { name: 'localStorage', checked: true }).waitFor();
    await signIn(page, account);
    const stored = await page.evaluate(() => localStorage.getItem('seamless.tokens'));
    const refreshToken = (JSON.parse(stored ?? '{}') as { pair?: { refresh_token?: string } }).pair
      ?.refresh_token;
    assert.ok(refreshToken, 'the refresh token is in localStorage');
    const panel = page.getByRole('region', { name: 'What a script in this page can see' });
    assert.equal(
      await panel.locator('mark').textContent(),
      `"refresh_token":"${refreshToken}"`,
      'the panel marks it',
    );
    await screenshot(page, '7-storage-mode');

    const reloadedAgain = page.waitForEvent('load');
    await page.getByRole('radio', { name: 'httpOnly cookie' }).check();
    await reloadedAgain;
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.equal(await scriptSees(page, 'localStorage'), '(empty)');
    await signIn(page, account);
    assert.equal(await scriptSees(page, 'localStorage'), '(empty)');
  });
});
