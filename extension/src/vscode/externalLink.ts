import { buildLink, parseLink } from '../../../protocol/src';
import * as vscode from 'vscode';

/**
 * The same share link, with its relay address as the user's machine reaches it. In a remote, SSH or
 * code-server window the relay runs beside the extension host, and `asExternalUri` forwards its port (or
 * maps it through the server's proxy); locally it returns the address unchanged. Not cached, as the API asks.
 */
export async function externalLink(link: string): Promise<string> {
  const parsed = parseLink(link);
  if (!parsed.ok) throw new Error(`not a Tandem link (${parsed.error})`);
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(parsed.link.relayUrl));
  return buildLink(external.toString(true), parsed.link.shareId, parsed.link.token);
}
