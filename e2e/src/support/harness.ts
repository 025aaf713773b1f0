import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';
import { launchChromium, unavailable } from '@seamless/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAccount, type Account } from './api.js';
import { ARTIFACTS_DIR } from './paths.js';
import { startServer, type RunningServer } from './server.js';

/** Everything one browser test works with: its own server, browser, context and account. */
export interface Harness {
  readonly server: RunningServer;
  readonly browser: Browser;
  /** One browser profile: its pages are tabs sharing localStorage. */
  readonly context: BrowserContext;
  /** A user created over HTTP for this test alone. */
  readonly account: Account;
  /** Opens a tab on the demo app and waits until it has read its tokens. */
  readonly openTab: () => Promise<Page>;
  /** Saves a screenshot of the page to e2e/artifacts/<name>.png and returns its path. */
  readonly screenshot: (page: Page, name: string) => Promise<string>;
}

export interface HarnessOptions {
  /** Prefix of the screenshot names and of the account's username. */
  readonly name: string;
  /** The account's username; by default the name with a random suffix. */
  readonly username?: string;
  /** Extra server environment, e.g. `{ ACCESS_TOKEN_TTL: '4s' }`. */
  readonly env?: Record<string, string>;
  /** The browser's language (`navigator.languages`, `Accept-Language`); `en-US` by default. */
  readonly locale?: string;
}

/** A viewport that fits the two columns of the dashboard. */
const VIEWPORT = { width: 1280, height: 860 };

/**
 * One Chromium for the test file that imports this module, closed after its tests; each
 * test gets a context of its own. When it cannot start, the tests skip, and under CI
 * that is a failure.
 */
const chromium: { browser: Browser } | { skip: string } = await launchChromium().then(
  (browser) => ({ browser }),
  (error: unknown) => ({
    skip: unavailable(
      `Chromium cannot start: ${error instanceof Error ? error.message : String(error)}`,
    ),
  }),
);
if ('browser' in chromium) {
  after(() => chromium.browser.close());
}

/**
 * Runs `body` with a fresh server, browser context and account, and closes them
 * afterwards. When the body fails, every open tab is saved to
 * e2e/artifacts/<name>-failure-<n>.png. Skips when Chromium cannot start.
 */
export async function withHarness(
  t: TestContext,
  options: HarnessOptions,
  body: (harness: Harness) => Promise<void>,
): Promise<void> {
  if (!('browser' in chromium)) {
    t.skip(chromium.skip);
    return;
  }
  const { browser } = chromium;
  const server = await startServer(options.env);
  // A fixed language, so that the page's words do not depend on the machine's.
  const context = await browser
    .newContext({ viewport: VIEWPORT, locale: options.locale ?? 'en-US' })
    .catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
  try {
    context.setDefaultTimeout(15_000);
    const account = await createAccount(
      server.url,
      options.username ?? options.name.replace(/[^a-z0-9]/gi, ''),
      options.username === undefined,
    );
    const url = server.url;
    const harness: Harness = {
      server,
      browser,
      context,
      account,
      openTab: async () => {
        const page = await context.newPage();
        await page.goto(url);
        // The app shows the form or the dashboard once it has read the stored tokens,
        // in whichever language it speaks.
        await page.getByRole('button', { name: /^(Log in|Log out|登录|退出登录)$/ }).waitFor();
        return page;
      },
      screenshot: async (page, name) => {
        await mkdir(ARTIFACTS_DIR, { recursive: true });
        const path = join(ARTIFACTS_DIR, `${name}.png`);
        // No hover highlight in the picture.
        await page.mouse.move(0, 0);
        // Finishes the buttons' hover transitions and the countdown bars' movement.
        await page.screenshot({ path, animations: 'disabled' });
        return path;
      },
    };
    try {
      await body(harness);
    } catch (error) {
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      for (const [index, page] of context.pages().entries()) {
        await page
          .screenshot({ path: join(ARTIFACTS_DIR, `${options.name}-failure-${index + 1}.png`) })
          .catch(() => undefined);
      }
      throw error;
    }
  } finally {
    await context.close();
    await server.stop();
  }
}
