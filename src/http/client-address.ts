import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client a per-address limit counts a request against, from its address (`request.ip`).
 *
 * An IPv4 address is itself. An IPv6 address is its /64 network (`2001:db8:0:1::/64`): a network
 * is usually given a whole /64, so one client may take a new address in it for every request,
 * and counting addresses would give it a fresh budget each time. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, what a dual-stack socket reports for an IPv4 client) is its IPv4 address,
 * so the same client is one client whichever socket took it. Anything else (a name a proxy
 * forwarded) is kept as it is.
 *
 * @example
 * clientKey('2001:db8:0:1:aaaa::7'); // '2001:db8:0:1::/64'
 * clientKey('::ffff:192.0.2.1');     // '192.0.2.1'
 */
export function clientKey(address: string): string {
  // A link-local address may carry its zone (`fe80::1%eth0`), which is no part of the address.
  const bare = address.includes('%') ? address.slice(0, address.indexOf('%')) : address;
  if (isIPv4(bare) || !isIPv6(bare)) return address;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and an IPv4 tail read. */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}
