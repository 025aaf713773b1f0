export { freePort, repoRoot, startSeamless, type RunningServer } from './server.js';
export { CHROMIUM_ARGS, findChromium, launchChromium } from './chromium.js';
