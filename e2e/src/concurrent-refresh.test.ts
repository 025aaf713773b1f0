import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { withHarness } from './support/harness.js';
import { DOCS_IMAGES_DIR } from './support/paths.js';
import { counter, settledAnswers, signIn, watchNetwork } from './support/ui.js';

test('three requests on a spoiled token share one refresh and are all replayed', async (t) => {
  // The README shows this test's screens: a readable username.
  const options = { name: 'concurrent-refresh', username: 'guang' };
  await withHarness(t, options, async ({ account, openTab, screenshot }) => {
    const page = await openTab();
    const network = watchNetwork(page);
    await signIn(page, account);
    await page.getByRole('button', { name: 'Call /bbb' }).click();
    assert.deepEqual(await settledAnswers(page, 1), ['bbb']);

    await page.getByRole('button', { name: 'Expire access token' }).click();
    await page.getByText('spoiled signature').waitFor();
    network.reset();

    await page.getByRole('button', { name: 'Send 3 concurrent requests' }).click();

    assert.deepEqual(await settledAnswers(page, 3), ['bbb', 'bbb', 'bbb']);
    assert.equal(network.count('/user/refresh'), 1, 'exactly one refresh request');
    const rejected = network.statuses(401);
    assert.ok(rejected.length >= 1, 'the spoiled token was rejected at least once');
    assert.ok(
      rejected.every((path) => path === '/bbb'),
      `only /bbb was rejected: ${rejected.join(', ')}`,
    );
    // Every rejected request was sent once more, with the new token.
    assert.equal(network.count('/bbb'), 3 + rejected.length);

    // The log shows the same story: the 401s, then as many replays, and one refresh.
    const log = page.getByRole('list', { name: 'Request log' });
    assert.equal(await log.getByText('replay', { exact: true }).count(), rejected.length);
    assert.equal(await counter(page, 'Refreshes done'), 1);
    assert.equal(await counter(page, '401s seen'), rejected.length);

    const mainScreen = await screenshot(page, '2-concurrent-refresh');
    // The README's pictures are refreshed on request only, so a test run leaves the tree clean.
    if (process.env.UPDATE_README_IMAGES === '1') {
      await mkdir(DOCS_IMAGES_DIR, { recursive: true });
      await copyFile(mainScreen, join(DOCS_IMAGES_DIR, 'main-screen.png'));
      // The counters and the log below them, as one picture.
      const top = await page.getByRole('region', { name: 'Counters' }).boundingBox();
      const bottom = await page
        .locator('section')
        .filter({ has: page.getByRole('heading', { name: 'Request log' }) })
        .boundingBox();
      assert.ok(top && bottom, 'the counters and the log are on screen');
      const margin = 12;
      await page.screenshot({
        path: join(DOCS_IMAGES_DIR, 'request-log.png'),
        animations: 'disabled',
        clip: {
          x: top.x - margin,
          y: top.y - margin,
          width: top.width + 2 * margin,
          height: bottom.y + bottom.height - top.y + 2 * margin,
        },
      });
    }
  });
});
