/**
 * Every text of the demo in English: the source of the keys every other language must
 * provide. The accessible names of the demo's controls (`Username`, `Log in`,
 * `Call /bbb`, …) are part of its contract: change them only together with it.
 */
import type { ReactNode } from 'react';

const number = new Intl.NumberFormat('en');
const seconds = new Intl.NumberFormat('en', {
  style: 'unit',
  unit: 'second',
  unitDisplay: 'narrow',
});

export const en = {
  app: {
    title: 'Seamless — dual-token auth demo',
    description: 'Seamless: dual-token authentication with silent, single-flight refresh.',
    tagline: 'short-lived access tokens, rotating refresh tokens, one silent refresh',
    reading: 'Reading the stored tokens…',
    language: 'Language',
  },
  signIn: {
    sessionExpired: 'Session expired',
    title: 'Sign in',
    intro:
      'The server answers with a short-lived access token and a rotating refresh token; the client library keeps you signed in by refreshing them silently.',
    username: 'Username',
    password: 'Password',
    logIn: 'Log in',
    register: 'Register',
    hint: (
      <>
        Demo account: <code>guang</code> / <code>123456</code>. New accounts need a password of at
        least 8 characters.
      </>
    ) as ReactNode,
  },
  account: {
    signedInAs: (username: ReactNode): ReactNode => <>Signed in as {username}</>,
    signedIn: 'Signed in',
    user: (id: string): string => `User #${id} · GET /user/me`,
    asking: 'Asking GET /user/me…',
    logOut: 'Log out',
  },
  tryIt: {
    title: 'Try it',
    intro: (
      <>
        <code>/aaa</code> is public, <code>/bbb</code> needs the access token. Spoil the token, then
        fire requests together: they all get a 401, the client refreshes once and replays each of
        them.
      </>
    ) as ReactNode,
    callAaa: 'Call /aaa',
    callBbb: 'Call /bbb',
    sendConcurrent: 'Send 3 concurrent requests',
    expireAccessToken: 'Expire access token',
    answers: 'Answers',
    noAnswers: 'Answers appear here.',
  },
  tokens: {
    title: 'Tokens',
    accessToken: 'Access token',
    accessNote: 'JWT exp; refreshed shortly before it runs out',
    refreshToken: 'Refresh token',
    refreshNote: 'refresh_expires_in; every refresh starts it again',
    unknown: 'unknown',
    parts: 'header . payload . signature',
    spoiled: 'spoiled signature',
    username: 'username',
    session: 'session',
    exp: 'exp',
  },
  sessions: {
    title: 'Sessions',
    reload: 'Reload',
    loading: 'Loading GET /user/sessions…',
    thisDevice: 'this device',
    unknownIp: 'unknown IP',
    times: (ip: string, created: string, lastUsed: string): string =>
      `${ip} · created ${created} · last used ${lastUsed}`,
    revoke: 'Revoke',
  },
  log: {
    counters: 'Counters',
    requestsSent: 'Requests sent',
    refreshesDone: 'Refreshes done',
    byOtherTabs: (count: number): string => `+${number.format(count)} by other tabs`,
    unauthorizedSeen: '401s seen',
    title: 'Request log',
    clear: 'Clear',
    empty: 'Nothing sent yet.',
    pending: 'pending',
    failed: 'failed',
    replay: 'replay',
    client: 'client',
    replayLegend: 'sent again after the refresh',
    clientLegend: 'call of the client library',
    unauthorizedLegend: 'token rejected',
  },
  /** What the page says about the traffic and the client's events, in the log. */
  events: {
    items: (count: number): string => `[${number.format(count)} ${count === 1 ? 'item' : 'items'}]`,
    user: (username: string, id: string): string => `${username} (user #${id})`,
    newTokenPair: 'new token pair',
    refreshTokenRejected: 'refresh token rejected',
    signedIn: 'signed in',
    signInRefused: 'sign-in refused',
    sessionRevoked: 'session revoked',
    networkError: 'network error',
    spoiled: 'access token spoiled: its signature was replaced, so the server will reject it',
    otherTabRefreshed: 'another tab refreshed the tokens; this tab uses them (source: other-tab)',
    otherTabSignedOut: 'another tab signed out; this tab is signed out too',
    otherTabLostSession: 'another tab lost the session; this tab is signed out too',
    refreshRefused: 'refresh refused: the session is over; every waiting request is rejected',
    refreshFailed: (reason: string): string => `refresh failed (${reason}); the session is kept`,
    network: 'network',
    sessionRestored: 'session restored from the cookie',
    noSessionToRestore: 'no session to restore',
  },
  /** The panel of what any script in the page can read, with the refresh-token mode switch. */
  scriptView: {
    title: 'What a script in this page can see',
    switchLabel: 'Refresh token in',
    cookie: 'httpOnly cookie',
    localStorage: 'localStorage',
    switchNote: 'Switching signs you out.',
    empty: '(empty)',
    cookieNote: 'The refresh token is in an httpOnly cookie: no script can read it.',
    storageNote: 'Any script in this page can read the refresh token and use it elsewhere.',
    signedOut: 'You switched where the refresh token is kept.',
  },
  /** Why the last session ended, under "Session expired". */
  ended: {
    refreshRefused:
      'The server refused the refresh token (expired, revoked or reused). Sign in again.',
    otherTabSignedOut: 'You signed out in another tab.',
    otherTabCleared: 'Another tab cleared the tokens.',
    ended: 'The session has ended.',
    loggedOut: 'You logged out.',
    revokedHere: "This device's session was revoked.",
  },
  errors: {
    sessionExpired: 'Rejected: the session expired',
    noAnswer: (message: string): string => `No answer: ${message}`,
    invalidCredentials: 'Invalid username or password',
    tooManyAttempts: (retryAfter: number | undefined): string =>
      `Too many attempts: wait ${retryAfter === undefined ? 'a little' : seconds.format(retryAfter)} and try again`,
    unknown: 'Something went wrong',
  },
  time: {
    expired: 'expired',
    justNow: 'just now',
  },
  device: {
    unknown: 'Unknown device',
    browserOn: (browser: string, system: string): string => `${browser} on ${system}`,
  },
};

/** The shape every language's dictionary has: English's keys, each with its own words. */
export type Messages = typeof en;
