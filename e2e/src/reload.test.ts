import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '@seamless/testing';
import { withHarness } from './support/harness.js';
import { countdown, signIn, UI_PATIENCE_MS } from './support/ui.js';

test('after a reload the page is still signed in and counts both tokens down, with nothing of its own kept', async (t) => {
  await withHarness(t, { name: 'reload' }, async ({ account, openTab, screenshot }) => {
    const page = await openTab();
    await signIn(page, account);

    await page.reload();

    await page.getByRole('heading', { name: `Signed in as ${account.username}` }).waitFor();
    for (const token of ['Access token', 'Refresh token'] as const) {
      await waitFor(
        `the ${token} countdown shows time left`,
        async () => /^\d/.test(await countdown(page, token)),
        UI_PATIENCE_MS,
      );
    }
    // Cookie mode: the session came back from the httpOnly cookie, and the page keeps
    // nothing of its own where a script could read it.
    const keys = await page.evaluate(() => [Object.keys(localStorage), document.cookie]);
    assert.deepEqual(keys, [[], '']);
    await screenshot(page, '2-reload');
  });
});
