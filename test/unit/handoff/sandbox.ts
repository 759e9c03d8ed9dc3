import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sanitizeProjectPath } from '../../../extension/src/core/handoff';

/** A scratch folder per test: a Claude folder and project checkouts inside it, so a test can check
 *  that nothing was written anywhere else in the sandbox. */
export class Sandbox {
  readonly root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-handoff-')));
  readonly claudeDir = path.join(this.root, 'claude');
  /** the default checkout to pull into, and the Claude project folder a pull into it writes */
  readonly projectDir = this.project();
  readonly projectFolder = path.join(this.claudeDir, 'projects', sanitizeProjectPath(this.projectDir));

  /** Creates (if needed) and returns a project checkout folder in the sandbox. */
  project(name = 'proj'): string {
    const dir = path.join(this.root, 'checkouts', name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
