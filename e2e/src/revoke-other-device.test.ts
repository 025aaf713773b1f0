import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '@seamless/testing';
import { withHarness } from './support/harness.js';
import { answers, signIn, UI_PATIENCE_MS, watchNetwork } from './support/ui.js';

test('revoking another device in the Sessions list: its next Call /bbb fails at once with "Session expired"', async (t) => {
  await withHarness(
    t,
    { name: 'revoke-other-device' },
    async ({ account, browser, openTab, screenshot, server }) => {
      // Two devices of one person: two browser profiles, each signed in through the form.
      const otherDevice = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      try {
        otherDevice.setDefaultTimeout(15_000);
        const there = await otherDevice.newPage();
        await there.goto(server.url);
        await signIn(there, account);
        await there.getByRole('button', { name: 'Call /bbb' }).click();
        await waitFor(
          'the device is served',
          async () => (await answers(there)).includes('bbb'),
          UI_PATIENCE_MS,
        );

        const here = await openTab();
        await signIn(here, account);
        const rows = here.getByRole('region', { name: 'Sessions' }).getByRole('listitem');
        await waitFor(
          'both devices are listed',
          async () => (await rows.count()) === 2,
          UI_PATIENCE_MS,
        );
        await rows
          .filter({ hasNotText: 'this device' })
          .getByRole('button', { name: 'Revoke' })
          .click();
        await waitFor(
          'the other device is gone',
          async () => (await rows.count()) === 1,
          UI_PATIENCE_MS,
        );

        // The other device still holds an access token that has not expired: the very
        // next call is refused all the same, and its session ends.
        const network = watchNetwork(there);
        await there.getByRole('button', { name: 'Call /bbb' }).click();
        await there.getByRole('alert').filter({ hasText: 'Session expired' }).waitFor();
        await there.getByLabel('Username').waitFor();
        assert.deepEqual(
          network.statuses(200).filter((path) => path === '/bbb'),
          [],
          '/bbb never answered after the revocation',
        );
        assert.ok(network.statuses(401).includes('/bbb'), 'the access token itself was refused');
        await screenshot(there, '8-revoked-device');

        // The device that revoked is not affected.
        await here.getByRole('button', { name: 'Call /bbb' }).click();
        await waitFor(
          'this device is served',
          async () => (await answers(here)).includes('bbb'),
          UI_PATIENCE_MS,
        );
      } finally {
        await otherDevice.close();
      }
    },
  );
});
