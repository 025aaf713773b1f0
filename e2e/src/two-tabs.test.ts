import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '@seamless/testing';
import { withHarness } from './support/harness.js';
import { countdown, settledAnswers, signIn, UI_PATIENCE_MS, watchNetwork } from './support/ui.js';

test('two tabs at an expired token share one refresh and both keep working', async (t) => {
  await withHarness(
    t,
    { name: 'two-tabs', env: { ACCESS_TOKEN_TTL: '3s' } },
    async ({ account, context, openTab, screenshot }) => {
      const first = await openTab();
      await signIn(first, account);
      const second = await openTab();
      await second.getByRole('button', { name: 'Log out' }).waitFor();
      // In cookie mode the second tab has just restored the session with a refresh of its
      // own, which the first adopted: start both logs afresh.
      for (const page of [first, second]) {
        await page.getByRole('button', { name: 'Clear' }).click();
      }

      // Both tabs see the same stored token run out; nothing refreshes it meanwhile.
      await waitFor(
        'both tabs show the access token as expired',
        async () =>
          (await countdown(first, 'Access token')) === 'expired' &&
          (await countdown(second, 'Access token')) === 'expired',
        UI_PATIENCE_MS,
      );

      const network = watchNetwork(context);
      await Promise.all([
        first.getByRole('button', { name: 'Call /bbb' }).click(),
        second.getByRole('button', { name: 'Call /bbb' }).click(),
      ]);
      assert.deepEqual(await settledAnswers(first, 1), ['bbb']);
      assert.deepEqual(await settledAnswers(second, 1), ['bbb']);
      assert.equal(network.count('/user/refresh'), 1, 'one refresh for both tabs');
      assert.deepEqual(network.statuses(401), []);

      // The tab that did not refresh says that it took the other tab's tokens.
      const adopted = [first, second].map((page) =>
        page
          .getByRole('list', { name: 'Request log' })
          .getByText('another tab refreshed the tokens', { exact: false }),
      );
      assert.equal((await adopted[0].count()) + (await adopted[1].count()), 1);

      // Both keep working on the shared, renewed session.
      for (const page of [first, second]) {
        await page.getByRole('button', { name: 'Call /bbb' }).click();
        assert.deepEqual(await settledAnswers(page, 1), ['bbb']);
      }
      await screenshot(first, '4-two-tabs-first');
      await screenshot(second, '4-two-tabs-second');
    },
  );
});
