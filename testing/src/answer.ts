import { request as httpRequest } from 'node:http';

/**
 * What a refusal is compared by: the status, the WWW-Authenticate header and the body
 * (parsed when it is JSON). A service that trusts Seamless must answer exactly as the
 * server does.
 */
export interface Answer {
  status: number;
  wwwAuthenticate: string | null;
  body: unknown;
}

export interface AnswerOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /**
   * The whole Authorization header; wins over `token`. Several values are sent as as many
   * header lines, which fetch cannot do (it joins them into one).
   */
  authorization?: string | readonly string[];
  method?: string;
  /** Sent as the JSON body. */
  json?: unknown;
}

/** Sends one request and returns its answer in the shape refusals are compared by. */
export async function answerOf(url: string, options: AnswerOptions = {}): Promise<Answer> {
  if (Array.isArray(options.authorization)) {
    return repeatedAuthorization(url, options.authorization);
  }
  const headers: Record<string, string> = {};
  const authorization =
    options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
  if (typeof authorization === 'string') {
    headers.authorization = authorization;
  }
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
  });
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body: parsed(await response.text()),
  };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // plain text
  }
}

function repeatedAuthorization(url: string, values: readonly string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const header = response.headers['www-authenticate'];
        resolve({
          status: response.statusCode ?? 0,
          wwwAuthenticate: header ?? null,
          body: parsed(Buffer.concat(chunks).toString('utf8')),
        });
      });
      response.on('error', reject);
    });
    // An array value goes out as one header line per value.
    request.setHeader('authorization', values);
    request.on('error', reject);
    request.end();
  });
}
