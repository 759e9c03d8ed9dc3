import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../extension/src/core/sync/freePort';
import { waitFor } from './waitFor';

// A real nginx (Debian's package; .ci/run installs it) on a free loopback port, balancing http and
// websocket upgrades over relay nodes round-robin with the shipped deploy/nginx.conf, as an operator
// would run it in front of them.

const NGINX = ['/usr/sbin/nginx', 'nginx'].find((p) => spawnSync(p, ['-v'], { stdio: 'ignore' }).status === 0);

export function hasNginx(): boolean {
  return NGINX !== undefined;
}

export class NginxBalancer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {}

  /** `port`: where it listens (free by default); relays behind it need `--public-url http://127.0.0.1:<port>`. */
  static async start(upstreamPorts: number[], listenPort?: number): Promise<NginxBalancer> {
    if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-nginx-'));
    const port = listenPort ?? (await freePort());
    fs.writeFileSync(path.join(dir, 'nginx.conf'), config(dir, port, upstreamPorts));
    const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
    const balancer = new NginxBalancer(child, port, dir);
    let exited = false;
    child.once('exit', () => (exited = true));
    await waitFor(
      async () => {
        if (exited) throw new Error(`nginx exited: ${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`);
        return fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      },
      { timeoutMs: 10_000, what: 'nginx to answer' },
    );
    return balancer;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const gone = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await gone;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** deploy/nginx.conf, the example operators start from, pointed at `upstreams` and run from `dir`, without its per-client limits. */
function config(dir: string, port: number, upstreams: number[]): string {
  const shipped = fs.readFileSync(path.resolve(__dirname, '../../deploy/nginx.conf'), 'utf8');
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${path.join(dir, t)};`).join('\n');
  const replaced = shipped
    .replace(/upstream tandem_relays \{[^}]*\}/, `upstream tandem_relays {\n${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}\n  }`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`)
    .replace(/proxy_connect_timeout \d+s;/, 'proxy_connect_timeout 1s;')
    .replace(/^http \{$/m, `http {\n  access_log off;\n${temp}`)
    // its per-client request limits would stop a flood before the relays' own per-client budgets,
    // which the tests check behind it
    .replace(/^\s*limit_(req|conn)\b.*$/gm, '');
  if (!replaced.includes(`127.0.0.1:${port}`) || !replaced.includes(`127.0.0.1:${upstreams[0]}`)) throw new Error('deploy/nginx.conf no longer has the upstream block or `listen 8080;` this helper rewrites');
  return `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${path.join(dir, 'nginx.pid')};\n${replaced}`;
}
