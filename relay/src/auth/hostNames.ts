import { isIP } from 'node:net';

// DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 reaches a loopback relay
// as its own origin (Origin and Host both say evil.example), so the Origin check alone lets it in.
// The relay therefore answers only for names it owns: its public URL, the name it is bound to, and
// names no page can rebind — `localhost` and IP addresses. Those are taken with any port, because
// port forwarding (VS Code's, an SSH tunnel, code-server's /proxy/<port>) changes the port.

export class HostNames {
  private readonly names = new Set<string>();
  private described = 'localhost or an IP address';

  /** Called once the relay listens, when its port is known. */
  own(bind: string, port: number, tls: boolean, publicUrl: string | undefined): void {
    if (!isIP(bind)) this.add(bind, port, tls ? 443 : 80);
    if (!publicUrl) return;
    const u = new URL(publicUrl);
    const defaultPort = u.protocol === 'https:' ? 443 : 80;
    this.add(u.hostname, Number(u.port || defaultPort), defaultPort);
    this.described = `${u.host}, localhost or an IP address`;
  }

  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined) return false;
    const host = hostHeader.toLowerCase();
    const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
    return name === 'localhost' || isIP(name) !== 0 || this.names.has(host);
  }

  /** Why a request for another name was refused, and what to do about it. */
  refusal(): string {
    return `this relay answers only for ${this.described}; a relay reached under another name needs --public-url (TANDEM_RELAY_PUBLIC_URL)`;
  }

  private add(hostname: string, port: number, defaultPort: number): void {
    const name = hostname.toLowerCase();
    this.names.add(`${name}:${port}`);
    if (port === defaultPort) this.names.add(name);
  }
}
