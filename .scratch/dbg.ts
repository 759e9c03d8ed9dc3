import * as Y from 'yjs';
import { QueueWriteRules } from '../relay/src/queueWriteRules';
import { addPrompt, Origin, boundAuthor } from '../protocol/src';
const claims = { v: 1 as const, sid: 'x'.repeat(43), role: 'prompter' as const, iat: 1, exp: 2, jti: 'abcdefgh12' };
const rules = new QueueWriteRules(Y.encodeStateAsUpdate(new Y.Doc()), { maxPendingPrompts: 2 }, () => undefined);
const doc = new Y.Doc();
const ups: Uint8Array[] = [];
doc.on('update', (u: Uint8Array) => ups.push(u));
for (let i = 0; i < 4; i++) {
  addPrompt(doc, { id: `prompt-000${i}`, text: 't', ...boundAuthor(claims), createdAt: 1, kind: 'resume' }, Origin.composer);
  console.log(i, rules.admit({ role: 'prompter', claims }, ups[ups.length - 1]), (rules as any).waiting);
}
