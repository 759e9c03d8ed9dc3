import path from 'node:path';
import { tandemHome } from '../sync/shareStore';
import { tightenTree } from './privateFiles';

/** Where session locks live: in the user's own Tandem folder, so another user cannot plant one
 *  (the CLI and VS Code on this machine share it, which is what serialises them). */
export function lockFolder(env: NodeJS.ProcessEnv): string {
  return path.join(tandemHome(env), 'locks');
}

/** The Tandem folder, made private (created 0700; an existing install's folders narrowed to 0700
 *  and files to 0600) before anything is written there. */
export async function openTandemHome(env: NodeJS.ProcessEnv): Promise<string> {
  const home = tandemHome(env);
  await tightenTree(home);
  return home;
}
