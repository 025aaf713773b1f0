// A real HTTP proxy in front of the server: counts what reaches it, can answer a given
// path with an error status a set number of times, can hold a request until released,
// can hold, drop or cut the server's answer (the server has acted, the client never
// learns how), and can serve a few static files (the browser test page) from the same
// origin.
import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';

export interface Hit {
  method: string;
  path: string;
  status: number;
}

export interface StaticFile {
  type: string;
  body: string | Uint8Array;
}

export interface Hold {
  /** Resolves when the held request has arrived. */
  arrived: Promise<void>;
  /** Lets the held request through to the server. */
  release(): void;
}

/** What happens to the server's answers to a path (see `CountingProxy.answers`). */
export type AnswerFate =
  /** Kept until `release()`, then sent. */
  | 'hold'
  /** The connection is closed without an answer: a network error after sending. */
  | 'drop'
  /** Status and headers, half the body, then the connection is cut. */
  | 'cut';

export interface AnswerControl {
  /** Resolves when the server has answered the first affected request. */
  answered: Promise<void>;
  /** Sends every held answer, and stops affecting later ones. */
  release(): void;
}

/** A promise that settles once `fire()` is called. */
function signal(): { fired: Promise<void>; fire: () => void } {
  let fire = (): void => undefined;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}

export class CountingProxy {
  readonly hits: Hit[] = [];
  readonly statics = new Map<string, StaticFile>();
  readonly #faults = new Map<
    string,
    { status: number; times: number; headers: Record<string, string> }
  >();
  readonly #answers = new Map<
    string,
    { fate: AnswerFate; times: number; answered: () => void; gate: Promise<void> }
  >();
  readonly #holds = new Map<string, { arrive: () => void; gate: Promise<void> }>();
  #server: Server | null = null;
  url = '';

  constructor(readonly target: string) {}

  /** Listens on `port` of the loopback, by default a free one. */
  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : 0;
    this.url = `http://127.0.0.1:${bound}`;
    return this;
  }

  /** How many `method path` requests got here (any status unless given). */
  count(method: string, path: string, status?: number): number {
    return this.hits.filter(
      (hit) =>
        hit.method === method &&
        hit.path === path &&
        (status === undefined || hit.status === status),
    ).length;
  }

  /** Status codes sent for `path`, in order. */
  statuses(path: string): number[] {
    return this.hits.filter((hit) => hit.path === path).map((hit) => hit.status);
  }

  reset(): void {
    this.hits.length = 0;
    this.#faults.clear();
    this.#answers.clear();
  }

  /** The next `times` requests to `path` get `status` (and `headers`) from the proxy instead of the server. */
  failNext(path: string, status: number, times = 1, headers: Record<string, string> = {}): void {
    this.#faults.set(path, { status, times, headers });
  }

  /**
   * The server's answers to the next `times` requests to `path` meet `fate` (the request
   * itself reaches the server, which acts on it).
   */
  answers(path: string, fate: AnswerFate, times = 1): AnswerControl {
    const answered = signal();
    const gate = signal();
    this.#answers.set(path, { fate, times, answered: answered.fire, gate: gate.fired });
    return {
      answered: answered.fired,
      release: () => {
        this.#answers.delete(path);
        gate.fire();
      },
    };
  }

  /** Holds the next request to `path` until `release()` is called. */
  hold(path: string): Hold {
    const arrived = signal();
    const gate = signal();
    this.#holds.set(path, { arrive: arrived.fire, gate: gate.fired });
    return { arrived: arrived.fired, release: gate.fire };
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  async #handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const record = (status: number): void => {
      this.hits.push({ method, path, status });
    };

    const file = method === 'GET' ? this.statics.get(path) : undefined;
    if (file) {
      res.writeHead(200, { 'Content-Type': file.type, 'Cache-Control': 'no-store' });
      res.end(file.body);
      return;
    }

    const held = this.#holds.get(path);
    if (held) {
      this.#holds.delete(path);
      held.arrive();
      await held.gate;
    }

    const fault = this.#faults.get(path);
    if (fault && fault.times > 0 && method !== 'OPTIONS') {
      fault.times -= 1;
      req.resume();
      record(fault.status);
      res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers });
      res.end(JSON.stringify({ statusCode: fault.status, message: 'Injected by the test proxy' }));
      return;
    }

    const upstream = forward(
      `${this.target}${req.url ?? '/'}`,
      // The Host header passes unchanged, as through a reverse proxy: the server checks
      // a cookie-mode request's Origin against the origin it was addressed to.
      { method, headers: req.headers },
      (response) => {
        record(response.statusCode ?? 0);
        const fate = this.#answers.get(path);
        if (fate && fate.times > 0 && method !== 'OPTIONS') {
          fate.times -= 1;
          void this.#mistreat(fate, response, res);
          return;
        }
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => {
      record(502);
      if (!res.headersSent) {
        res.writeHead(502);
      }
      res.end();
    });
    req.pipe(upstream);
  }

  async #mistreat(
    fate: { fate: AnswerFate; answered: () => void; gate: Promise<void> },
    response: IncomingMessage,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of response) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    fate.answered();
    switch (fate.fate) {
      case 'hold':
        await fate.gate;
        res.writeHead(response.statusCode ?? 502, response.headers);
        res.end(body);
        return;
      case 'drop':
        res.socket?.destroy();
        return;
      case 'cut': {
        const headers = { ...response.headers, 'content-length': String(body.length) };
        res.writeHead(response.statusCode ?? 502, headers);
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        // Let the status and half the body leave before the connection dies.
        setTimeout(() => res.socket?.destroy(), 50);
        return;
      }
    }
  }
}
