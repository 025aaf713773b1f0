import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '@seamless/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { listSessions, login, revokeSession } from './support/api.js';
import { withHarness } from './support/harness.js';
import { signIn, UI_PATIENCE_MS, watchNetwork } from './support/ui.js';

test('a session revoked from another session ends with "Session expired" and the sign-in form', async (t) => {
  await withHarness(
    t,
    { name: 'session-end' },
    async ({ account, openTab, screenshot, server }) => {
      const page = await openTab();
      const network = watchNetwork(page);
      await signIn(page, account);
      await page.getByRole('region', { name: 'Sessions' }).getByText('this device').waitFor();

      // Another device of the same user revokes the browser's session.
      const other = await login(server.url, account);
      const sessions = await listSessions(server.url, other.access_token);
      const browserSession = sessions.find((session) => !session.current);
      assert.ok(browserSession, 'the browser session is listed to the other device');
      await revokeSession(server.url, other.access_token, browserSession.id);

      await page.getByRole('button', { name: 'Expire access token' }).click();
      await page.getByRole('button', { name: 'Send 3 concurrent requests' }).click();

      await page.getByRole('alert').filter({ hasText: 'Session expired' }).waitFor();
      await page.getByLabel('Username').waitFor();
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      assert.equal(network.count('/user/refresh'), 1, 'the refused refresh is not retried');

      // Nothing is left hanging, neither in the browser nor in the page's log.
      await waitFor('every request has finished', () => network.pending() === 0, UI_PATIENCE_MS);
      const log = page.getByRole('list', { name: 'Request log' });
      assert.equal(await log.getByText('pending', { exact: true }).count(), 0);
      await screenshot(page, '5-session-end');
    },
  );
});

test('an expired refresh token ends the session the same way', async (t) => {
  await withHarness(
    t,
    { name: 'refresh-expiry', env: { ACCESS_TOKEN_TTL: '2s', REFRESH_TOKEN_TTL: '3s' } },
    async ({ account, openTab, screenshot }) => {
      const page = await openTab();
      await signIn(page, account);
      await waitFor(
        'the refresh token has run out',
        async () =>
          (await page.getByRole('timer', { name: 'Refresh token', exact: true }).textContent()) ===
          'expired',
        UI_PATIENCE_MS,
      );
      // refresh_expires_in is a whole number of seconds, so the page may count down to
      // zero up to a second before the server's own deadline.
      await sleep(1500);
      const network = watchNetwork(page);

      await page.getByRole('button', { name: 'Call /bbb' }).click();

      await page.getByRole('alert').filter({ hasText: 'Session expired' }).waitFor();
      await page.getByLabel('Password').waitFor();
      await waitFor('every request has finished', () => network.pending() === 0, UI_PATIENCE_MS);
      assert.deepEqual(network.statuses(401), ['/user/refresh']);
      await screenshot(page, '5-refresh-expiry');
    },
  );
});
