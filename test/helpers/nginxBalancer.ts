import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../extension/src/core/sync/freePort';
import { waitFor } from './waitFor';

// A real nginx (Debian's package; .ci/run installs it) on a free loopback port, balancing http and
// websocket upgrades over relay nodes round-robin, as an operator would run it in front of them.

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

function config(dir: string, port: number, upstreams: number[]): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${path.join(dir, t)};`).join('\n');
  return `daemon off;
master_process off;
worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
events { worker_connections 4096; }
http {
  access_log off;
${temp}
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream tandem_relays {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://tandem_relays;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_connect_timeout 1s;
      proxy_next_upstream error timeout;
      proxy_read_timeout 1h;
      proxy_buffering off;
    }
  }
}
`;
}
