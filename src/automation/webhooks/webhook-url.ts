import dns from 'node:dns';
import net from 'node:net';
import { ValidationError } from '../../errors';

// Addresses a webhook may not reach unless CHORUS_WEBHOOKS_ALLOW_PRIVATE is set: loopback,
// private networks, link-local (cloud metadata lives there), carrier-grade NAT, "this network",
// multicast and reserved ranges, and their IPv6 counterparts (v4-mapped ones included).
const blocked = new net.BlockList();
for (const [a, p] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) blocked.addSubnet(a, p, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return false;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

// Checks what an admin typed: http(s) only, no credentials in it, and (unless private addresses
// are allowed) no host that is a private address or names the machine itself. Names that resolve
// to a private address are refused again at each send (guardedLookup), when it counts.
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ValidationError('Invalid body field url: not a URL; enter e.g. https://example.com/hooks/chorus', { fields: { url: ['Enter a full URL, e.g. https://example.com/hooks/chorus.'] } });
  }
  const bad = (why: string) => new ValidationError(`Invalid body field url: ${why}`, { fields: { url: [why] } });
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad(`Only http:// and https:// URLs can receive webhooks (not ${url.protocol}).`);
  if (url.username || url.password) throw bad('Put no user name or password in the URL; the receiver checks the signature instead.');
  const host = hostOf(url).toLowerCase();
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host))) {
    throw bad(`${host} is a private or loopback address; webhooks go to public addresses only (an operator can allow private ones with CHORUS_WEBHOOKS_ALLOW_PRIVATE=true).`);
  }
  return url.toString();
}

// A DNS lookup for node:http that refuses private addresses at connect time, so a name that
// resolves elsewhere between the check and the send (DNS rebinding) still cannot reach inside.
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: any[]) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = addresses as dns.LookupAddress[];
      const refused = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (refused) return callback(Object.assign(new Error(`${hostname} resolves to ${refused.address}, a private address; webhooks go to public addresses only.`), { code: 'EPRIVATE' }));
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  }) as net.LookupFunction;
}

// A URL given as an IP literal never reaches the lookup: this covers it at send time.
export function refusePrivateLiteral(url: URL, allowPrivate: boolean): string | null {
  const host = hostOf(url);
  return !allowPrivate && net.isIP(host) && isPrivateAddress(host) ? `${host} is a private address; webhooks go to public addresses only.` : null;
}
