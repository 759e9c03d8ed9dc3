import os from 'node:os';

// DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 reaches a loopback relay
// as its own origin (Origin and Host both say evil.example), so the Origin check alone lets it in.
// The relay therefore answers only for names it owns: its public URL, the address it is bound to
// (every interface address when bound to all of them) and the loopback names, each with its port.

export class HostNames {
  private readonly names = new Set<string>();
  private described = '';

  /** Called once the relay listens, when its port is known. */
  own(bind: string, port: number, tls: boolean, publicUrl: string | undefined): void {
    const defaultPort = tls ? 443 : 80;
    const wildcard = bind === '0.0.0.0' || bind === '::';
    const addresses = ['localhost', '127.0.0.1', '::1', ...(wildcard ? interfaceAddresses() : [bind])];
    for (const a of addresses) this.add(bracketed(a), port, defaultPort);
    if (publicUrl) {
      const u = new URL(publicUrl);
      this.add(u.hostname, Number(u.port || (u.protocol === 'https:' ? 443 : 80)), u.protocol === 'https:' ? 443 : 80);
    }
    this.described = publicUrl ? `${new URL(publicUrl).host} or its own addresses` : `its own addresses (localhost:${port}, ${bracketed(bind)}:${port})`;
  }

  allows(hostHeader: string | undefined): boolean {
    return hostHeader !== undefined && this.names.has(hostHeader.toLowerCase());
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

function bracketed(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address.replace(/%.*$/, '')));
}
