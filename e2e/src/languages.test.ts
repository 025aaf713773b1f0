import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { withHarness } from './support/harness.js';
import { DOCS_IMAGES_DIR } from './support/paths.js';
import { settledAnswers, signIn } from './support/ui.js';

/** The names a person (or a screen reader) finds the demo's controls by, in one language. */
interface Words {
  /** The language's name in English, for the test's name. */
  readonly name: string;
  /** The browser's language. */
  readonly locale: string;
  /** What `<html lang>` says. */
  readonly lang: string;
  /** The switch's button of this language (each language is named in itself). */
  readonly language: string;
  readonly languageGroup: string;
  readonly username: string;
  readonly password: string;
  readonly logIn: string;
  readonly logOut: string;
  readonly callBbb: string;
  readonly sendConcurrent: string;
  readonly expireAccessToken: string;
  readonly answers: string;
  readonly sessions: string;
  readonly revoke: string;
  readonly sessionExpired: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  /** The countdowns right after signing in (30 minutes and 7 days by default). */
  readonly accessLeft: RegExp;
  readonly refreshLeft: RegExp;
  /** Characters that must not appear in the page's own words in this language. */
  readonly foreign: RegExp;
}

const english: Words = {
  name: 'English',
  locale: 'en-US',
  lang: 'en',
  language: 'English',
  languageGroup: 'Language',
  username: 'Username',
  password: 'Password',
  logIn: 'Log in',
  logOut: 'Log out',
  callBbb: 'Call /bbb',
  sendConcurrent: 'Send 3 concurrent requests',
  expireAccessToken: 'Expire access token',
  answers: 'Answers',
  sessions: 'Sessions',
  revoke: 'Revoke',
  sessionExpired: 'Session expired',
  accessToken: 'Access token',
  refreshToken: 'Refresh token',
  accessLeft: /^\d+m \d{2}s$/,
  refreshLeft: /^\d+d \d+h \d+m$/,
  foreign: /\p{Script=Han}+/gu,
};

const chinese: Words = {
  name: 'Chinese',
  locale: 'zh-CN',
  lang: 'zh-CN',
  language: '中文',
  languageGroup: '语言',
  username: '用户名',
  password: '密码',
  logIn: '登录',
  logOut: '退出登录',
  callBbb: '调用 /bbb',
  sendConcurrent: '发送 3 个并发请求',
  expireAccessToken: '使访问令牌失效',
  answers: '响应',
  sessions: '会话',
  revoke: '撤销',
  sessionExpired: '会话已过期',
  accessToken: '访问令牌',
  refreshToken: '刷新令牌',
  accessLeft: /^\d+分钟\d{2}秒$/,
  refreshLeft: /^\d+天\d+小时\d+分钟$/,
  foreign: /[A-Za-z]{2,}/g,
};

/**
 * What stays as it is in Chinese: paths, HTTP methods, claim and field names, the
 * product's name, what the server answered, browser and system names, the browser's
 * storage APIs and cookie attributes.
 */
const TECHNICAL =
  /\/[\w./-]*|\b(?:GET|POST|DELETE|JWT|exp|refresh_expires_in|IP|token|source: other-tab|Seamless|bbb|invalid_token|Headless|Chrome|Linux|localStorage|document\.cookie|httpOnly|Cookie)\b/g;

function button(page: Page, name: string) {
  return page.getByRole('button', { name, exact: true });
}

async function htmlLang(page: Page): Promise<string> {
  return page.evaluate(() => document.documentElement.lang);
}

/** The language switch's button for `words`' language is the pressed one. */
async function assertShownIn(page: Page, words: Words): Promise<void> {
  assert.equal(await htmlLang(page), words.lang);
  const pressed = page
    .getByRole('group', { name: words.languageGroup, exact: true })
    .getByRole('button', { pressed: true });
  assert.deepEqual(await pressed.allTextContents(), [words.language]);
}

/**
 * Every visible text, accessible name and title of the page that is not code, not marked
 * `translate="no"` and not marked as another language, with the technical words and the
 * username taken out; then whatever is left that belongs to the other language.
 */
async function foreignWords(page: Page, words: Words, username: string): Promise<string[]> {
  const texts = await page.evaluate((lang) => {
    const untranslated = `code, [translate="no"], [lang]:not([lang="${lang}"])`;
    const found: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent && !parent.closest(untranslated) && parent.checkVisibility()) {
        found.push(node.textContent ?? '');
      }
    }
    for (const element of document.body.querySelectorAll('[aria-label], [title], [alt]')) {
      if (!element.closest(untranslated)) {
        for (const name of ['aria-label', 'title', 'alt']) {
          found.push(element.getAttribute(name) ?? '');
        }
      }
    }
    return found;
  }, words.lang);
  return texts
    .map((text) => text.replaceAll(username, '').replace(TECHNICAL, ''))
    .filter((text) => (text.match(words.foreign) ?? []).length > 0);
}

for (const words of [english, chinese]) {
  test(`every control of the demo carries its ${words.name} name in a ${words.locale} browser`, async (t) => {
    const options = { name: `names-${words.locale}`, locale: words.locale };
    await withHarness(t, options, async ({ account, openTab, screenshot }) => {
      const page = await openTab();
      await assertShownIn(page, words);

      await signIn(page, account, words);

      await button(page, words.callBbb).click();
      assert.deepEqual(await settledAnswers(page, 1, words.answers), ['bbb']);
      await button(page, words.expireAccessToken).click();
      await button(page, words.sendConcurrent).click();
      assert.deepEqual(await settledAnswers(page, 3, words.answers), ['bbb', 'bbb', 'bbb']);

      // Durations are written the way the language writes them.
      const timer = (name: string) => page.getByRole('timer', { name, exact: true });
      assert.match((await timer(words.accessToken).textContent()) ?? '', words.accessLeft);
      assert.match((await timer(words.refreshToken).textContent()) ?? '', words.refreshLeft);

      // The log (with its replays and the client's calls), counters, tokens and sessions.
      const sessions = page.getByRole('region', { name: words.sessions, exact: true });
      await sessions.getByRole('listitem').first().waitFor();
      assert.deepEqual(await foreignWords(page, words, account.username), []);
      const shot = await screenshot(page, `8-languages-${words.locale}`);
      // The README shows the Chinese page beside the English one; refreshed on request only.
      if (process.env.UPDATE_README_IMAGES === '1' && words === chinese) {
        await mkdir(DOCS_IMAGES_DIR, { recursive: true });
        await copyFile(shot, join(DOCS_IMAGES_DIR, 'main-screen.zh-CN.png'));
      }

      await sessions.getByRole('button', { name: words.revoke, exact: true }).click();
      await page.getByRole('alert').filter({ hasText: words.sessionExpired }).waitFor();
      await page.getByLabel(words.username, { exact: true }).waitFor();
      await button(page, words.logIn).waitFor();
      assert.deepEqual(await foreignWords(page, words, account.username), []);
    });
  });
}

test('the language switch rewords the page at once and is remembered after a reload', async (t) => {
  await withHarness(t, { name: 'language-switch' }, async ({ account, openTab, screenshot }) => {
    const page = await openTab();
    await assertShownIn(page, english);
    await signIn(page, account, english);
    const log = page.getByRole('list', { name: 'Request log', exact: true });
    await log.getByText('client', { exact: true }).first().waitFor();
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));

    await page
      .getByRole('group', { name: english.languageGroup, exact: true })
      .getByRole('button', { name: chinese.language, exact: true })
      .click();

    await button(page, chinese.logOut).waitFor();
    await assertShownIn(page, chinese);
    assert.equal(await button(page, english.logOut).count(), 0);
    assert.match(await page.title(), /演示/);
    // The lines logged before the switch are reworded too.
    const chineseLog = page.getByRole('list', { name: '请求日志', exact: true });
    await chineseLog.getByText('客户端', { exact: true }).first().waitFor();
    assert.equal(await chineseLog.getByText('client', { exact: true }).count(), 0);
    assert.equal(await page.evaluate(() => 'notReloaded' in window), true, 'no reload');
    await screenshot(page, '8-language-switch');

    await page.reload();
    await button(page, chinese.logOut).waitFor();
    await assertShownIn(page, chinese);

    await page
      .getByRole('group', { name: chinese.languageGroup, exact: true })
      .getByRole('button', { name: english.language, exact: true })
      .click();
    await button(page, english.logOut).waitFor();
    await page.reload();
    await button(page, english.logOut).waitFor();
    await assertShownIn(page, english);
  });
});

test('a Chinese browser gets the demo in Chinese until English is chosen', async (t) => {
  await withHarness(t, { name: 'language-default', locale: 'zh-CN' }, async ({ openTab }) => {
    const page = await openTab();
    await assertShownIn(page, chinese);
    await page.getByLabel(chinese.username, { exact: true }).waitFor();
    await button(page, chinese.logIn).waitFor();
    assert.match(await page.title(), /演示/);

    await button(page, english.language).click();
    await button(page, english.logIn).waitFor();
    await page.reload();
    await button(page, english.logIn).waitFor();
    await assertShownIn(page, english);
  });
});
