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
  /** The whole Authorization header; wins over `token`. */
  authorization?: string;
  method?: string;
  /** Sent as the JSON body. */
  json?: unknown;
}

/** Sends one request and returns its answer in the shape refusals are compared by. */
export async function answerOf(url: string, options: AnswerOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const authorization =
    options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
  if (authorization !== undefined) {
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
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain text
  }
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body,
  };
}
