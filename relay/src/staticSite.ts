import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

// Serves the browser build of the session viewer: `/` and `/s/<share id>` get index.html (the token
// stays in the URL fragment, which browsers never send), other paths get files from the build folder.

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const htmlHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const placeholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem relay</title></head>
<body><h1>Tandem relay</h1><p>This relay is running, but the browser viewer is not built into it yet
(run <code>npm run build</code>). Open share links in VS Code with <em>Tandem: Open Shared Session…</em>
or with <code>tandem open &lt;link&gt;</code>.</p></body></html>
`;

/** `dist/webview` next to the running bundle, or next to the source tree when run from source. */
export function defaultStaticDir(): string {
  const candidates = [path.join(__dirname, 'webview'), path.resolve(__dirname, '../../dist/webview')];
  return candidates.find((c) => fs.existsSync(path.join(c, 'index.html'))) ?? candidates[0];
}

export function isPagePath(pathname: string): boolean {
  return pathname === '/' || /^\/s\/[A-Za-z0-9_-]{43}\/?$/.test(pathname);
}

export function serveStatic(pathname: string, res: http.ServerResponse, dir: string): void {
  const file = isPagePath(pathname) ? path.join(dir, 'index.html') : resolveInside(dir, pathname);
  if (!file) return notFound(res);
  fs.readFile(file, (err, body) => {
    if (err) {
      if (isPagePath(pathname)) return send(res, 200, '.html', Buffer.from(placeholder));
      return notFound(res);
    }
    send(res, 200, path.extname(file), body);
  });
}

function send(res: http.ServerResponse, status: number, ext: string, body: Buffer): void {
  const type = types[ext] ?? 'application/octet-stream';
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...(ext === '.html' ? htmlHeaders : { 'x-content-type-options': 'nosniff' }) });
  res.end(body);
}

function notFound(res: http.ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end('not found\n');
}

function resolveInside(dir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(dir, `.${path.posix.normalize(decoded)}`);
  const rel = path.relative(dir, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? file : null;
}
