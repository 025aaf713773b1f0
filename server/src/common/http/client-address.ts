import ipaddr from 'ipaddr.js';

/**
 * The client's address as the server records and limits it: IPv4-mapped IPv6
 * (`::ffff:203.0.113.7`, what a dual-stack socket reports) as plain IPv4, so that one
 * client has one spelling. `request.ip` already is the rightmost untrusted hop.
 */
export function clientAddress(ip: string | undefined): string | undefined {
  if (ip === undefined || !ipaddr.isValid(ip)) {
    return ip;
  }
  return ipaddr.process(ip).toString();
}

/**
 * The unit that address-based limits count: an IPv4 address, or the /64 network of an
 * IPv6 one, since one subscriber usually holds a whole /64 and could otherwise take a
 * fresh address for every attempt.
 */
export function addressBucket(ip: string | undefined): string {
  if (ip === undefined || !ipaddr.isValid(ip)) {
    return ip ?? 'unknown';
  }
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') {
    return address.toString();
  }
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
