import { test } from 'node:test';
import { withHarness } from './support/harness.js';
import { signIn } from './support/ui.js';

test('logging out in one tab shows the sign-in form in the other', async (t) => {
  await withHarness(t, { name: 'logout' }, async ({ account, openTab, screenshot }) => {
    const first = await openTab();
    await signIn(first, account);
    const second = await openTab();
    await second.getByRole('button', { name: 'Log out' }).waitFor();

    await first.getByRole('button', { name: 'Log out' }).click();

    await first.getByRole('button', { name: 'Log in' }).waitFor();
    await second.getByLabel('Username').waitFor();
    await second.getByRole('button', { name: 'Log in' }).waitFor();
    await second.getByRole('alert').filter({ hasText: 'Session expired' }).waitFor();
    // The client says why; the page shows it.
    await second.getByRole('alert').filter({ hasText: 'You signed out in another tab' }).waitFor();
    await screenshot(second, '6-logout-other-tab');
  });
});
