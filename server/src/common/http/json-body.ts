import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** Deeper JSON than any body of this API, and shallow enough that nothing after parsing can overflow. */
const MAX_JSON_DEPTH = 32;

const unsupported = new UnsupportedMediaTypeException('Request bodies must be application/json');
const tooDeep = new BadRequestException('Request body is nested too deeply');

/**
 * Request bodies are JSON and nothing else: a cross-site HTML form can send
 * `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain` without a
 * preflight, never `application/json`. Every other media type (and a body without one)
 * is 415; JSON in a charset other than UTF-8, too. A body nested deeper than
 * {@link MAX_JSON_DEPTH} is refused by a linear scan before `JSON.parse`, so it costs
 * what an ordinary 400 costs instead of a recursive walk of thousands of levels.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, raw, done) => {
    const body = raw as string; // parseAs: 'string'
    const contentType = request.headers['content-type'] ?? '';
    if (contentType.includes(';') && !charsetIsUtf8(contentType)) {
      done(unsupported, undefined);
      return;
    }
    if (nestedDeeperThan(body, MAX_JSON_DEPTH)) {
      done(tooDeep, undefined);
      return;
    }
    void parseJson(request, body, done);
  });
  // Anything else, including a body sent without a Content-Type.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(unsupported, undefined));
}

/** True unless a `charset` parameter names something other than UTF-8. */
function charsetIsUtf8(contentType: string): boolean {
  for (const parameter of contentType.split(';').slice(1)) {
    const equals = parameter.indexOf('=');
    if (equals !== -1 && parameter.slice(0, equals).trim().toLowerCase() === 'charset') {
      const value = parameter
        .slice(equals + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
      if (value !== 'utf-8' && value !== 'utf8') {
        return false;
      }
    }
  }
  return true;
}

/** Whether brackets outside strings open more than `limit` levels at once. */
function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string: its closing quote is the next one not escaped.
      let end = text.indexOf('"', i + 1);
      while (end !== -1 && isEscaped(text, end)) {
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) {
        return false; // unterminated: JSON.parse refuses it
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) {
        return true;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/** Whether the character at `at` follows an odd run of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let j = at - 1; text.charCodeAt(j) === 0x5c; j--) {
    backslashes++;
  }
  return backslashes % 2 === 1;
}
