import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';
import { cleanDisplayName } from '../../../../protocol/src';

// Who this VS Code is to the people watching a share: one random viewer id and the display name the
// person chose, kept in global state, so the sidebar and every editor tab of a session count as one
// viewer. The viewer sends a new name (`setDisplayName`); webviews opened later start with it.

const ID_KEY = 'tandem.viewerId';
const NAME_KEY = 'tandem.viewerDisplayName';

export class ViewerIdentity {
  constructor(private readonly state: vscode.Memento) {}

  get(): { viewerId: string; displayName: string } {
    let viewerId = this.state.get<unknown>(ID_KEY);
    if (typeof viewerId !== 'string' || !/^[0-9a-f]{32}$/.test(viewerId)) {
      viewerId = randomBytes(16).toString('hex');
      void this.state.update(ID_KEY, viewerId);
    }
    const name = this.state.get<unknown>(NAME_KEY);
    return { viewerId: viewerId as string, displayName: typeof name === 'string' ? cleanDisplayName(name) : '' };
  }

  setDisplayName(name: string): void {
    void this.state.update(NAME_KEY, cleanDisplayName(name));
  }
}
