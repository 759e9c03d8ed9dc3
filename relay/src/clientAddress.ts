import type http from 'node:http';
import { BlockList, isIP } from 'node:net';

// Whose request this is, for the budgets kept per client address. Behind a load balancer every socket
// comes from the balancer, so those budgets would lump every client together and one flooding client
// would lock everyone out. A balancer the operator names (`--trusted-proxy`) says who its client is in
// X-Forwarded-For; nobody else's header is believed, so a client cannot pick its own address.

export class ClientAddresses {
  private readonly trusted = new BlockList();
  private readonly count: number;

  /** `proxies`: addresses or CIDR blocks (`10.0.0.5`, `172.28.0.0/16`, `fd00::/8`) */
  constructor(proxies: readonly string[]) {
    for (const proxy of proxies) {
      const { address, prefix, type } = proxyBlock(proxy);
      if (prefix === undefined) this.trusted.addAddress(address, type);
      else this.trusted.addSubnet(address, prefix, type);
    }
    this.count = proxies.length;
  }

  /** Whether sockets from `ip` are a trusted balancer's (their own budgets do not apply to them). */
  isTrustedProxy(ip: string | undefined): boolean {
    if (this.count === 0 || !ip) return false;
    const address = unmapped(ip);
    const family = isIP(address);
    return family !== 0 && this.trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** The client's address: the socket's, or for a trusted balancer the last hop it names that is not itself a trusted proxy. */
  of(req: http.IncomingMessage): string {
    const peer = unmapped(req.socket.remoteAddress ?? 'unknown');
    if (!this.isTrustedProxy(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => unmapped(h.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!isIP(hops[i])) return peer;
      if (!this.isTrustedProxy(hops[i])) return hops[i];
    }
    return peer;
  }
}

/** One `--trusted-proxy` entry, checked: throws a message naming a bad one. */
export function proxyBlock(proxy: string): { address: string; prefix?: number; type: 'ipv4' | 'ipv6' } {
  const [address, bits, extra] = proxy.split('/');
  const family = isIP(address);
  const prefix = bits === undefined ? undefined : Number(bits);
  if (!family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && (prefix as number) <= (family === 6 ? 128 : 32)))) {
    throw new Error(`a trusted proxy is an IP address or a CIDR block like 10.0.0.5 or 172.28.0.0/16, not "${proxy}"`);
  }
  return { address, prefix, type: family === 6 ? 'ipv6' : 'ipv4' };
}

function unmapped(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
