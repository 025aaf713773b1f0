// Measures what a deeply nested JSON body costs the server, against an ordinary 400
// (a login body without its password). Sequential requests to the built server, so
// each request's own time in the server's request log (`ms`, first byte to answer)
// is time the event loop spent on it alone.
// Run: npm run build -w server && node server/scripts/nested-json-cost.mjs
// (SEAMLESS_MAIN=path/to/main.js measures another build.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = resolve(process.env.SEAMLESS_MAIN ?? 'server/dist/src/main.js');
const WARMUP = 50;
const RUNS = 300;
const BODY_LIMIT = 16 * 1024;

/** The deepest body of this shape that fits the 16 KiB body limit. */
function fill(open, middle, close) {
  let depth = 1;
  while (
    `{"username":${open.repeat(depth + 1)}${middle}${close.repeat(depth + 1)},"password":"x"}`
      .length <= BODY_LIMIT
  ) {
    depth++;
  }
  return `{"username":${open.repeat(depth)}${middle}${close.repeat(depth)},"password":"x"}`;
}

const bodies = {
  'ordinary 400 (no password)': '{"username":"guang"}',
  '16 KiB of nested arrays': fill('[', '', ']'),
  '16 KiB of nested objects': fill('{"a":', '1', '}'),
};

const port = await new Promise((done) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => done(free));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'seamless-nested-'));
const child = spawn(process.execPath, [MAIN], {
  env: {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
    KEYS_FILE: join(dir, 'keys.json'),
    LOGIN_MAX_ATTEMPTS: '1000000000',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let log = '';
child.stdout.on('data', (chunk) => (log += chunk));
await new Promise((done) => {
  const check = () => (log.includes('Seamless listening') ? done() : setTimeout(check, 50));
  check();
});

const url = `http://127.0.0.1:${port}/user/login`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p90 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
/** The `ms` of each login answered with 400 in the server's log so far. */
const serverTimes = () =>
  log
    .split('\n')
    .filter((line) => line.includes('"url":"/user/login"') && line.includes('"status":400'))
    .map((line) => JSON.parse(line).ms);

console.log(`server: ${MAIN}`);
console.log('| body | bytes | server ms median | server ms p90 | round trip ms median |');
console.log('|---|---:|---:|---:|---:|');
for (const [name, body] of Object.entries(bodies)) {
  const send = async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    if (response.status !== 400) {
      throw new Error(`${name}: ${response.status}`);
    }
  };
  for (let i = 0; i < WARMUP; i++) {
    await send();
  }
  const before = serverTimes().length;
  const roundTrips = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await send();
    roundTrips.push(performance.now() - start);
  }
  await new Promise((done) => setTimeout(done, 200));
  const times = serverTimes().slice(before);
  console.log(
    `| ${name} | ${body.length} | ${median(times)} | ${p90(times)} | ${median(roundTrips).toFixed(2)} |`,
  );
}
child.kill('SIGTERM');
await new Promise((done) => child.once('exit', done));
rmSync(dir, { recursive: true, force: true });
