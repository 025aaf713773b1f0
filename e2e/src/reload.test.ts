import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withHarness } from './support/harness.js';
import { countdown, signIn, waitUntil } from './support/ui.js';

test('after a reload the page is still signed in and counts both tokens down, from what the client kept', async (t) => {
  await withHarness(t, { name: 'reload' }, async ({ account, openTab, screenshot }) => {
    const page = await openTab();
    await signIn(page, account);

    await page.reload();

    await page.getByRole('heading', { name: `Signed in as ${account.username}` }).waitFor();
    for (const token of ['Access token', 'Refresh token'] as const) {
      await waitUntil(
        async () => /^\d/.test(await countdown(page, token)),
        `the ${token} countdown shows time left`,
      );
    }
    // The page keeps nothing of its own: the client's record is all there is.
    const keys = await page.evaluate(() => Object.keys(localStorage));
    assert.deepEqual(keys, ['seamless.tokens']);
    await screenshot(page, '2-reload');
  });
});
