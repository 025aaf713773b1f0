import type { TokenPair } from '@seamless/testing';

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A thin HTTP client for tests: real requests, parsed answers. */
export class Api {
  constructor(readonly base: string) {}

  async request<T = unknown>(
    method: string,
    path: string,
    options: {
      token?: string;
      json?: unknown;
      headers?: Record<string, string>;
      rawBody?: string;
    } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) {
      headers.authorization = `Bearer ${options.token}`;
    }
    let body: string | undefined = options.rawBody;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(this.base + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) {
      parsed = JSON.parse(text);
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = unknown>(path: string, token?: string) {
    return this.request<T>('GET', path, { token });
  }

  post<T = unknown>(path: string, json: unknown, token?: string) {
    return this.request<T>('POST', path, { json, token });
  }

  login(username: string, password: string, headers?: Record<string, string>) {
    return this.request<TokenPair>('POST', '/user/login', {
      json: { username, password },
      headers,
    });
  }

  refresh(refreshToken: string) {
    return this.post<TokenPair>('/user/refresh', { refresh_token: refreshToken });
  }

  async register(username: string, password = 'correct horse battery'): Promise<void> {
    const reply = await this.post('/user/register', { username, password });
    if (reply.status !== 201) {
      throw new Error(`register ${username}: ${reply.status} ${reply.text}`);
    }
  }

  /** Registers a user and signs in: the token pair of a fresh session. */
  async signedIn(username: string, password = 'correct horse battery'): Promise<TokenPair> {
    await this.register(username, password);
    const reply = await this.login(username, password);
    if (reply.status !== 200) {
      throw new Error(`login ${username}: ${reply.status} ${reply.text}`);
    }
    return reply.body;
  }
}
