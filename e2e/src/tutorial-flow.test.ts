import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withHarness } from './support/harness.js';
import { settledAnswers, signIn } from './support/ui.js';

test('signing in through the form lets Call /bbb answer bbb', async (t) => {
  await withHarness(t, { name: 'tutorial-flow' }, async ({ account, openTab, screenshot }) => {
    const page = await openTab();

    await page.getByRole('button', { name: 'Call /aaa' }).waitFor({ state: 'detached' });
    await signIn(page, account);
    await page.getByRole('heading', { name: `Signed in as ${account.username}` }).waitFor();

    await page.getByRole('button', { name: 'Call /bbb' }).click();
    assert.deepEqual(await settledAnswers(page, 1), ['bbb']);

    await page.getByRole('button', { name: 'Call /aaa' }).click();
    assert.deepEqual(await settledAnswers(page, 1), ['aaa']);

    await screenshot(page, '1-tutorial-flow');
  });
});

test('Register creates the account and signs it in', async (t) => {
  await withHarness(t, { name: 'register' }, async ({ openTab, screenshot }) => {
    const page = await openTab();
    await page.getByLabel('Username').fill('newcomer');
    await page.getByLabel('Password').fill('a-long-password');
    await page.getByRole('button', { name: 'Register' }).click();

    await page.getByRole('heading', { name: 'Signed in as newcomer' }).waitFor();
    await page.getByRole('button', { name: 'Call /bbb' }).click();
    assert.deepEqual(await settledAnswers(page, 1), ['bbb']);
    await screenshot(page, '1-register');
  });
});
