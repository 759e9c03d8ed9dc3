// Browsers send Origin on websocket upgrades; without a check any page the user visits could open a
// socket to a relay on localhost with a token it learned (cross-site websocket hijacking). Node
// clients send no Origin and are judged by their token alone.

/** Patterns may end in `*` (prefix match), e.g. `vscode-webview://*`. */
export type OriginPolicy = { allowed: string[] };

export const DEFAULT_ALLOWED_ORIGINS = ['vscode-webview://*'];

export function isOriginAllowed(origin: string | undefined, host: string | undefined, tls: boolean, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  if (host && origin === `${tls ? 'https' : 'http'}://${host}`) return true;
  return policy.allowed.some((p) => (p.endsWith('*') ? origin.startsWith(p.slice(0, -1)) : origin === p));
}
