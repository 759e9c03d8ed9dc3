import assert from 'node:assert/strict';
import { projectLabels } from '../../../extension/src/vscode/sessions/projectLabels';

const labels = (projects: { folder: string; cwd?: string }[]) => Object.fromEntries([...projectLabels(projects.map((p) => ({ cwd: undefined, ...p })))].map(([k, v]) => [k, v.description ? `${v.label} (${v.description})` : v.label]));

describe('Sessions view: project group labels', () => {
  it('names a group by the last folder of its cwd, Windows paths included', () => {
    assert.deepEqual(labels([
      { folder: 'X--02-JZS-04---PLCFoundation-PLC', cwd: 'X:\\02_JZS\\04 - PLCFoundation\\PLC' },
      { folder: '-home-ada-app', cwd: '/home/ada/app/' },
      { folder: '-no-cwd' },
    ]), { 'X--02-JZS-04---PLCFoundation-PLC': 'PLC', '-home-ada-app': 'app', '-no-cwd': '-no-cwd' });
  });

  it('tells apart groups that would read the same: parent folder first, then the project folder', () => {
    assert.deepEqual(labels([
      { folder: 'a', cwd: '/home/ada/work/app' },
      { folder: 'b', cwd: 'C:\\Users\\ada\\play\\app' },
      { folder: 'c', cwd: '/srv/same/tool' },
      { folder: 'd', cwd: '/srv/same/tool' },
    ]), { a: 'work/app', b: 'play/app', c: 'same/tool (c)', d: 'same/tool (d)' });
  });
});
