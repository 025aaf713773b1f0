import { readFileSync } from 'node:fs';
import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { Client } from 'undici';
import type { Credentials } from './users';

/** The measured workloads. */
export type ScenarioName = 'guarded' | 'guarded-many' | 'rejected' | 'refresh' | 'login' | 'mixed';
/** One kind of request a worker can make. */
export type RequestKind = 'guarded' | 'guarded-many' | 'rejected' | 'refresh' | 'login';

/** A token pair as a worker holds it. */
export interface Session {
  access: string;
  refresh: string;
}

/** What one closed-loop worker (one connection) starts with. */
export interface WorkerPlan {
  credentials: Credentials;
  session: Session;
}

/** How the target answers a refresh: Seamless by POST JSON body, the tutorial by GET query. */
export type RefreshStyle = 'post-json' | 'get-query';

/** Everything the load generator process needs, written to a JSON file by the runner. */
export interface LoadPlan {
  origin: string;
  scenario: ScenarioName;
  workers: WorkerPlan[];
  warmupMs: number;
  durationMs: number;
  refreshStyle: RefreshStyle;
  invalidToken: string;
  /**
   * `guarded-many`: distinct valid access tokens, sent in turn by all workers together,
   * so that a token comes back only after every other one has been sent.
   */
  manyTokens?: string[];
  /** Extra connections that log in continuously for the whole run (the login storm). */
  stormWorkers?: Credentials[];
  seed: number;
}

/** Counts and latency of the requests completed inside the measurement window. */
export interface Stats {
  requests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
}

/**
 * The window seen per connection, so that a connection left waiting cannot hide: a
 * request still unanswered when the window closes counts with its wait so far.
 */
export interface ConnectionView {
  /** Requests answered inside the window, one entry per connection (zeros included). */
  completions: number[];
  /** The longest wait for an answer: answered requests, and unanswered ones until the close. */
  longestWaitMs: number;
  /** Requests still unanswered when the window closed. */
  unfinished: number;
  /** 503 answers inside the window (a login refused at once; the connection waited Retry-After). */
  unavailable: number;
}

/** What the load generator prints as its one line of JSON. */
export interface LoadResult extends Stats {
  scenario: ScenarioName;
  durationMs: number;
  byKind: Partial<Record<RequestKind, Stats>>;
  connections: ConnectionView;
  storm?: Stats;
  stormConnections?: ConnectionView;
  /** CPU time the load generator process used, warm-up included, in milliseconds. */
  cpuMs: number;
}

/** Mixed workload: 95 % guarded, 4 % refresh, 1 % login. */
const MIXED: readonly [RequestKind, number][] = [
  ['guarded', 0.95],
  ['refresh', 0.04],
  ['login', 0.01],
];

/** Small deterministic PRNG so that two runs draw the same request mix. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Collects requests that complete inside [start, end] of the measurement window. */
export class Recorder {
  private readonly all: RecordableHistogram = createHistogram();
  private readonly kinds = new Map<
    RequestKind,
    { histogram: RecordableHistogram; errors: number; statuses: Record<string, number> }
  >();
  private errors = 0;
  private readonly statuses: Record<string, number> = {};
  private readonly completions: number[];
  private longestWaitMs = 0;
  private unfinished = 0;
  private unavailable = 0;

  constructor(
    readonly windowStart: number,
    readonly windowEnd: number,
    connections: number,
  ) {
    this.completions = new Array<number>(connections).fill(0);
  }

  record(
    kind: RequestKind,
    connection: number,
    start: number,
    end: number,
    status: number,
    ok: boolean,
  ): void {
    if (start < this.windowEnd && end > this.windowEnd) {
      // Still waiting when the window closed: it counts, with the wait so far.
      this.unfinished++;
      this.longestWaitMs = Math.max(this.longestWaitMs, this.windowEnd - start);
      return;
    }
    if (end < this.windowStart || end > this.windowEnd) {
      return;
    }
    this.completions[connection] = (this.completions[connection] ?? 0) + 1;
    this.longestWaitMs = Math.max(this.longestWaitMs, end - start);
    if (status === 503) {
      this.unavailable++;
    }
    const nanos = Math.max(1, Math.round((end - start) * 1e6));
    this.all.record(nanos);
    let perKind = this.kinds.get(kind);
    if (!perKind) {
      perKind = { histogram: createHistogram(), errors: 0, statuses: {} };
      this.kinds.set(kind, perKind);
    }
    perKind.histogram.record(nanos);
    const key = status === 0 ? 'network-error' : String(status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    perKind.statuses[key] = (perKind.statuses[key] ?? 0) + 1;
    if (!ok) {
      this.errors++;
      perKind.errors++;
    }
  }

  private stats(
    histogram: RecordableHistogram,
    errors: number,
    statuses: Record<string, number>,
  ): Stats {
    const requests = histogram.count;
    const seconds = (this.windowEnd - this.windowStart) / 1000;
    return {
      requests,
      errors,
      rps: requests / seconds,
      p50Ms: requests === 0 ? 0 : histogram.percentile(50) / 1e6,
      p99Ms: requests === 0 ? 0 : histogram.percentile(99) / 1e6,
      statuses,
    };
  }

  total(): Stats {
    return this.stats(this.all, this.errors, this.statuses);
  }

  connections(): ConnectionView {
    return {
      completions: [...this.completions],
      longestWaitMs: this.longestWaitMs,
      unfinished: this.unfinished,
      unavailable: this.unavailable,
    };
  }

  byKind(): Partial<Record<RequestKind, Stats>> {
    const out: Partial<Record<RequestKind, Stats>> = {};
    for (const [kind, perKind] of this.kinds) {
      out[kind] = this.stats(perKind.histogram, perKind.errors, perKind.statuses);
    }
    return out;
  }
}

interface TokenPairBody {
  access_token?: unknown;
  refresh_token?: unknown;
}

/** Reads a token pair from a response body, or undefined when it is not one. */
function asSession(body: unknown): Session | undefined {
  if (typeof body !== 'object' || body === null) {
    return undefined;
  }
  const pair = body as TokenPairBody;
  if (typeof pair.access_token === 'string' && typeof pair.refresh_token === 'string') {
    return { access: pair.access_token, refresh: pair.refresh_token };
  }
  return undefined;
}

/** Parses a JSON body; a body that is not JSON (an HTML error page) reads as undefined. */
async function readJson(body: { text(): Promise<string> }): Promise<unknown> {
  const text = await body.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** What one request came back with. */
interface Outcome {
  status: number;
  ok: boolean;
  /** A 503's Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One connection's closed loop: send, wait for the whole answer, send again. */
class Worker {
  private readonly client: Client;
  private session: Session;

  constructor(
    private readonly plan: LoadPlan,
    private readonly connection: number,
    private readonly credentials: Credentials,
    session: Session,
    private readonly nextManyToken: () => string,
  ) {
    this.client = new Client(plan.origin, { pipelining: 1, keepAliveTimeout: 60_000 });
    this.session = session;
  }

  /** Sends one request of the given kind; returns its status and whether it was the expected answer. */
  async send(kind: RequestKind): Promise<Outcome> {
    switch (kind) {
      case 'guarded':
      case 'guarded-many':
      case 'rejected': {
        const token =
          kind === 'guarded'
            ? this.session.access
            : kind === 'guarded-many'
              ? this.nextManyToken()
              : this.plan.invalidToken;
        const response = await this.client.request({
          method: 'GET',
          path: '/bbb',
          headers: { authorization: `Bearer ${token}` },
        });
        await response.body.dump();
        const status = response.statusCode;
        return { status, ok: kind === 'rejected' ? status === 401 : status === 200 };
      }
      case 'refresh': {
        const response =
          this.plan.refreshStyle === 'post-json'
            ? await this.client.request({
                method: 'POST',
                path: '/user/refresh',
                headers: JSON_HEADERS,
                body: JSON.stringify({ refresh_token: this.session.refresh }),
              })
            : await this.client.request({
                method: 'GET',
                path: `/user/refresh?refresh_token=${encodeURIComponent(this.session.refresh)}`,
              });
        return this.adopt(response.statusCode, await readJson(response.body));
      }
      case 'login': {
        const response = await this.client.request({
          method: 'POST',
          path: '/user/login',
          headers: JSON_HEADERS,
          body: JSON.stringify(this.credentials),
        });
        const outcome = this.adopt(response.statusCode, await readJson(response.body));
        if (response.statusCode === 503) {
          // Refused at once because the server could not start hashing in time: an
          // answer, not an error. The connection comes back when told to, as a person would.
          const retryAfter = Number(response.headers['retry-after']);
          return { status: 503, ok: true, retryAfterMs: (retryAfter > 0 ? retryAfter : 1) * 1000 };
        }
        return outcome;
      }
    }
  }

  /** Keeps the token pair a refresh or login returned: the next refresh must use it. */
  private adopt(status: number, body: unknown): Outcome {
    const session = asSession(body);
    const ok = status >= 200 && status < 300 && session !== undefined;
    if (ok) {
      this.session = session;
    }
    return { status, ok };
  }

  /** Runs until the window ends, drawing each request's kind from `pick`. */
  async loop(recorder: Recorder, pick: () => RequestKind): Promise<void> {
    while (performance.now() < recorder.windowEnd) {
      const kind = pick();
      const start = performance.now();
      let result: Outcome;
      try {
        result = await this.send(kind);
      } catch {
        result = { status: 0, ok: false };
      }
      recorder.record(kind, this.connection, start, performance.now(), result.status, result.ok);
      if (result.retryAfterMs !== undefined) {
        await sleep(
          Math.max(0, Math.min(result.retryAfterMs, recorder.windowEnd - performance.now())),
        );
      }
      if (!result.ok && kind === 'refresh') {
        // A failed refresh leaves no usable refresh token: sign in again (unmeasured)
        // so that the worker keeps exercising refresh rather than failing forever.
        try {
          await this.send('login');
        } catch {
          // The next iteration records the failure.
        }
      }
    }
    await this.client.close();
  }
}

/** Runs a plan and resolves with its result. */
export async function runPlan(plan: LoadPlan): Promise<LoadResult> {
  const begin = performance.now();
  const windowStart = begin + plan.warmupMs;
  const windowEnd = windowStart + plan.durationMs;
  const recorder = new Recorder(windowStart, windowEnd, plan.workers.length);
  const stormRecorder = new Recorder(windowStart, windowEnd, plan.stormWorkers?.length ?? 0);
  const manyTokens = plan.manyTokens ?? [];
  let manyIndex = 0;
  const nextManyToken = (): string => {
    const token = manyTokens[manyIndex] ?? '';
    manyIndex = (manyIndex + 1) % Math.max(1, manyTokens.length);
    return token;
  };
  const loops: Promise<void>[] = plan.workers.map((workerPlan, index) => {
    const worker = new Worker(
      plan,
      index,
      workerPlan.credentials,
      workerPlan.session,
      nextManyToken,
    );
    const random = mulberry32(plan.seed + index);
    const pick = (): RequestKind => {
      if (plan.scenario !== 'mixed') {
        return plan.scenario;
      }
      const draw = random();
      let sum = 0;
      for (const [kind, share] of MIXED) {
        sum += share;
        if (draw < sum) {
          return kind;
        }
      }
      return 'guarded';
    };
    return worker.loop(recorder, pick);
  });
  for (const [index, credentials] of (plan.stormWorkers ?? []).entries()) {
    const worker = new Worker(plan, index, credentials, { access: '', refresh: '' }, nextManyToken);
    loops.push(worker.loop(stormRecorder, () => 'login'));
  }
  await Promise.all(loops);
  const cpu = process.cpuUsage();
  return {
    scenario: plan.scenario,
    durationMs: plan.durationMs,
    ...recorder.total(),
    byKind: recorder.byKind(),
    connections: recorder.connections(),
    storm: plan.stormWorkers ? stormRecorder.total() : undefined,
    stormConnections: plan.stormWorkers ? stormRecorder.connections() : undefined,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

// Run as its own process (`node loadgen.js plan.json`) so that it can be pinned to its own core.
if (require.main === module) {
  const planFile = process.argv[2];
  if (planFile === undefined) {
    console.error('usage: node loadgen.js PLAN.json');
    process.exit(2);
  }
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as LoadPlan;
  runPlan(plan).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
