import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; the browser tests never download one. */
const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags every browser test of the repository uses (DEVELOPERS.md, "Browsers"). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const INSTALL_HINT =
  'Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), then run the tests again.';

/**
 * The path of Chromium. When it is missing and this process may install packages
 * (root, with apt-get), installs Debian's `chromium`; otherwise throws saying how to.
 */
function findChromium(): string {
  if (existsSync(CHROMIUM_PATH)) {
    return CHROMIUM_PATH;
  }
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`Chromium was not found at ${CHROMIUM_PATH}. ${INSTALL_HINT}`);
  }
  const install = (args: string[]): void => {
    execFileSync('apt-get', args, {
      stdio: 'inherit',
      timeout: 10 * 60_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  try {
    install(['install', '-y', 'chromium']);
  } catch {
    // A fresh machine may not have package lists yet.
    install(['update']);
    install(['install', '-y', 'chromium']);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get did not install ${CHROMIUM_PATH}. ${INSTALL_HINT}`);
  }
  return CHROMIUM_PATH;
}

/**
 * Starts headless Chromium with the repository's flags, and `extraArgs` (e.g.
 * `--host-resolver-rules=MAP other.test 127.0.0.1`, for a second site on this machine).
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: 60_000,
  });
}
