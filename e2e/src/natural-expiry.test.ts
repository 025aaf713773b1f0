import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { withHarness } from './support/harness.js';
import { counter, settledAnswers, signIn, watchNetwork } from './support/ui.js';

test('an access token that runs out is refreshed before use: no 401 across two expiries', async (t) => {
  await withHarness(
    t,
    { name: 'natural-expiry', env: { ACCESS_TOKEN_TTL: '4s' } },
    async ({ account, openTab, screenshot }) => {
      const page = await openTab();
      const network = watchNetwork(page);
      await signIn(page, account);

      // Call /bbb periodically until the token has been renewed twice (bounded).
      let calls = 0;
      while (network.count('/user/refresh') < 2) {
        assert.ok(calls < 60, 'two refreshes happen within 60 calls');
        await page.getByRole('button', { name: 'Call /bbb' }).click();
        assert.deepEqual(await settledAnswers(page, 1), ['bbb']);
        calls += 1;
        await sleep(500);
      }

      assert.deepEqual(network.statuses(401), [], 'the browser never received a 401');
      assert.equal(await counter(page, '401s seen'), 0);
      assert.equal(await counter(page, 'Refreshes done'), network.count('/user/refresh'));
      await screenshot(page, '3-natural-expiry');
    },
  );
});
