// Tabs of the test page (test/browser/page.ts) in Chromium: the page bundled and served
// by a proxy, tabs opened on it, requests fired from every tab at one moment.
import { build } from 'esbuild';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Harness } from '../browser/page.js';
import type { CountingProxy } from './proxy.js';
import { repoRoot } from './server.js';
import { within } from './util.js';

declare const harness: Harness;

/** Serves the test page (and its script) from `proxy`, at `/`. */
export async function serveTestPage(proxy: CountingProxy): Promise<void> {
  const bundle = await build({
    entryPoints: [join(repoRoot(), 'client', 'test', 'browser', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  proxy.statics.set('/harness.js', {
    type: 'text/javascript',
    body: bundle.outputFiles[0]?.contents ?? '',
  });
  proxy.statics.set('/', {
    type: 'text/html',
    body: '<!doctype html><meta charset="utf-8"><title>Seamless client</title><script type="module" src="/harness.js"></script>',
  });
}

/** The browser, or a skip of the test when Chromium cannot start (a failure on CI). */
export function requireBrowser(
  t: { skip: (message: string) => void },
  browser: Browser | null,
  launchError: unknown,
): Browser | null {
  if (browser) {
    return browser;
  }
  if (process.env.CI === 'true') {
    throw new Error(`Chromium did not start: ${String(launchError)}`);
  }
  t.skip(`Chromium did not start: ${String(launchError)}`);
  return null;
}

/** Waits until the page's script has loaded. */
export async function harnessReady(page: Page): Promise<void> {
  await page.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 10_000 });
}

/** Opens `count` tabs on `url`, one after the other, each with the page's script loaded. */
export async function openTabs(
  context: BrowserContext,
  count: number,
  url: string,
): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i += 1) {
    const page = await context.newPage();
    await page.goto(url);
    await harnessReady(page);
    pages.push(page);
  }
  return pages;
}

/** Every tab fires `perTab` requests at the same wall-clock moment; their outcomes. */
export async function fireEverywhere(pages: Page[], perTab: number): Promise<string[][]> {
  const at = Date.now() + 300;
  return within(
    20_000,
    'requests from every tab',
    Promise.all(
      pages.map((page) =>
        page.evaluate(([when, n]) => harness.fireAt(when, n), [at, perTab] as const),
      ),
    ),
  );
}
