import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '@seamless/testing';
import { login, refreshStatus } from './support/api.js';
import { withHarness } from './support/harness.js';
import { signIn, UI_PATIENCE_MS } from './support/ui.js';

test('the Sessions list revokes another device, and revoking this one signs out', async (t) => {
  await withHarness(t, { name: 'sessions' }, async ({ account, openTab, screenshot, server }) => {
    // Another device (a script) signs in first.
    const otherDevice = await login(server.url, account);
    const page = await openTab();
    await signIn(page, account);

    const sessions = page.getByRole('region', { name: 'Sessions' });
    const rows = sessions.getByRole('listitem');
    await waitFor(
      'both sessions are listed',
      async () => (await rows.count()) === 2,
      UI_PATIENCE_MS,
    );
    await screenshot(page, '7-sessions');

    const otherRow = rows.filter({ hasNotText: 'this device' });
    await otherRow.getByRole('button', { name: 'Revoke' }).click();
    await waitFor(
      'the revoked session is gone',
      async () => (await rows.count()) === 1,
      UI_PATIENCE_MS,
    );
    assert.equal(await refreshStatus(server.url, otherDevice.refresh_token), 401);

    await rows.filter({ hasText: 'this device' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('alert').filter({ hasText: 'Session expired' }).waitFor();
    await page.getByLabel('Username').waitFor();
    await screenshot(page, '7-sessions-revoked-here');
  });
});
