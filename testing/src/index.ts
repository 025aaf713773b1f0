export { freePort, repoRoot, startSeamless, type RunningServer } from './server.js';
export { launchChromium } from './chromium.js';
export { requireEnv, requirePrograms, unavailable } from './ci.js';
export {
  decodeJwtPart,
  refreshCounterOf,
  refreshSessionOf,
  sessionIdOf,
  type TokenPair,
} from './tokens.js';
export { sleep, waitFor } from './wait.js';
export { answerOf, type Answer, type AnswerOptions } from './answer.js';
