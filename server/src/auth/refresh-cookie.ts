import {
  BadRequestException,
  Inject,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { parse, serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors } from '../common/errors/domain-error';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';

/**
 * `__Secure-`: browsers accept the cookie only with `Secure`, from a secure origin, so
 * no plain-http page or network attacker can plant one. (`__Host-` would also need
 * `Path=/`, sending the token with every request to the API.)
 */
export const REFRESH_COOKIE = '__Secure-seamless-refresh';

/**
 * The request header of cookie mode, with the value `cookie`: at login it asks for a
 * cookie-mode session; on refresh and logout it says that the refresh token is in the
 * cookie. A custom header is what a cross-site form cannot send, and what a script on
 * another origin can send only after a CORS preflight that this server approves.
 */
export const SESSION_HEADER = 'seamless-session';

/** How the cookie starts in a Cookie header: found twice, one of the two was planted. */
const PLANTED = `${REFRESH_COOKIE}=`;

/** The narrowest path that covers both routes that read the cookie, /user/refresh and /user/logout. */
const COOKIE_PATH = '/user';

const notJson = new UnsupportedMediaTypeException('Request bodies must be application/json');
const badMode = new BadRequestException('Seamless-Session must be cookie');

/**
 * Whether the request is in cookie mode (`Seamless-Session: cookie`); any other value
 * of the header is a 400.
 */
export function inCookieMode(request: FastifyRequest): boolean {
  const value = request.headers[SESSION_HEADER];
  if (value === undefined) {
    return false;
  }
  if (value !== 'cookie') {
    throw badMode;
  }
  return true;
}

/**
 * The refresh token in an httpOnly cookie, and the checks that keep every other origin
 * and site from using it: `SameSite` alone fails when another app shares the
 * registrable domain, or on browsers that do not enforce it.
 */
@Injectable()
export class RefreshCookie {
  private readonly origins: ReadonlySet<string>;
  private readonly attributes: {
    path: string;
    httpOnly: true;
    secure: true;
    sameSite: 'strict' | 'none';
    partitioned: boolean;
  };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { origins, sameSite } = config.refreshCookie;
    this.origins = new Set(origins);
    this.attributes = {
      path: COOKIE_PATH,
      httpOnly: true,
      secure: true,
      sameSite,
      // A third-party cookie, partitioned by the app's site (CHIPS): the only site that
      // needs it, and how browsers that block third-party cookies may still keep it.
      partitioned: sameSite === 'none',
    };
  }

  /**
   * The refresh token the request's cookie holds, if any. Two cookies of that name mean
   * that another host of the site has planted one (`Domain=` the parent, a `__Secure-`
   * name allows it) to sign this browser into its own session: neither is used.
   */
  read(request: FastifyRequest): string | undefined {
    const header = request.headers.cookie;
    if (header === undefined || header.indexOf(PLANTED) !== header.lastIndexOf(PLANTED)) {
      return undefined;
    }
    return parse(header)[REFRESH_COOKIE] || undefined;
  }

  /** Sets the cookie to `token`, for as long as the token lives. */
  set(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
    void reply.header(
      'Set-Cookie',
      serialize(REFRESH_COOKIE, token, { ...this.attributes, maxAge: maxAgeSeconds }),
    );
  }

  /** Tells the browser to forget the cookie. */
  clear(reply: FastifyReply): void {
    void reply.header(
      'Set-Cookie',
      serialize(REFRESH_COOKIE, '', { ...this.attributes, maxAge: 0 }),
    );
  }

  /**
   * Throws unless the request may set or use the cookie: a JSON body (no form can send
   * one), an `Origin` that is the server's own or listed in REFRESH_COOKIE_ORIGINS (a
   * missing or `null` Origin is refused: every browser sends one on a POST), and no
   * `Sec-Fetch-Site: cross-site` unless the cookie is meant for another site
   * (REFRESH_COOKIE_SAME_SITE=None, where the Origin list is what guards it). The
   * custom header itself was checked by {@link inCookieMode}.
   */
  check(request: FastifyRequest): void {
    const type = request.headers['content-type'];
    if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) {
      throw notJson;
    }
    const origin = request.headers.origin;
    if (origin === undefined || !(this.origins.has(origin) || origin === ownOrigin(request))) {
      throw Errors.originRefused;
    }
    if (request.headers['sec-fetch-site'] === 'cross-site' && this.attributes.sameSite !== 'none') {
      throw Errors.crossSiteRefused;
    }
  }

  /** Whether `origin` is one of REFRESH_COOKIE_ORIGINS (CORS then allows it credentials). */
  lists(origin: string): boolean {
    return this.origins.has(origin);
  }
}

/**
 * The origin this request was addressed to, as the browser saw it: the Host header (or,
 * behind a proxy trusted with TRUST_PROXY, X-Forwarded-Host and X-Forwarded-Proto).
 */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host.toLowerCase()}`;
}
