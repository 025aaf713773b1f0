import { isIP } from 'node:net';

/**
 * Which hops in front of the server are trusted to report the client's address in
 * `X-Forwarded-For`: none, the nearest N, or those at these addresses. Fastify takes
 * the client address as the rightmost entry that is not trusted.
 */
export type TrustProxy = false | number | string[];

/** proxy-addr's names for well-known ranges, accepted in a list like any CIDR. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Reads TRUST_PROXY: `false` (default), a hop count, or a comma-separated list of
 * addresses and CIDRs. Throws an Error saying what to write instead for anything else,
 * `true` above all: trusting every hop lets each client choose its own address.
 */
export function parseTrustProxy(raw: string): TrustProxy {
  const value = raw.trim();
  if (value === '' || value === 'false' || value === '0') {
    return false;
  }
  if (value === 'true') {
    throw new Error(
      'true would trust every X-Forwarded-For entry, so any client could pick its own address ' +
        'and walk around the login limits; write how many proxies stand in front of the server ' +
        '(TRUST_PROXY=1) or their addresses (TRUST_PROXY=10.0.0.0/8,192.0.2.7)',
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 100) {
      throw new Error('expected a hop count of at most 100');
    }
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!NAMED_RANGES.has(entry) && !isAddressOrCidr(entry)) {
      throw new Error(
        'expected false, a hop count, or comma-separated proxy addresses or CIDRs (10.0.0.0/8, ::1)',
      );
    }
  }
  return entries;
}

/** Strict spellings only: `1.5` or `0x7f.1` would be read as addresses by some parsers. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) {
    return false;
  }
  if (prefix === undefined) {
    return true;
  }
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
