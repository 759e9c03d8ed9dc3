import assert from 'node:assert/strict';
import * as decoding from 'lib0/decoding';
import { MessageType } from '../../protocol/src';
import { waitFor } from '../helpers/waitFor';
import { encodeAwarenessEntries } from '../../relay/src/roomAwareness';
import { RelayFixture, authorOf } from './helpers/relayFixture';
import { recordMessages, roomUrl, tryUpgrade } from './helpers/rawClient';

type Entry = { clientId: number; clock: number; state: string };


function decodeEntries(message: Buffer): Entry[] {
  const outer = decoding.createDecoder(message);
  decoding.readVarUint(outer);
  const d = decoding.createDecoder(decoding.readVarUint8Array(outer));
  return Array.from({ length: decoding.readVarUint(d) }, () => ({ clientId: decoding.readVarUint(d), clock: decoding.readVarUint(d), state: decoding.readVarString(d) }));
}

describe('relay: awareness', () => {
  const f = new RelayFixture();
  afterEach(() => f.dispose());

  async function twoViewers() {
    await f.start();
    const keys = f.share();
    const names: string[] = [];
    const open = async () => {
      const token = f.token(keys, 'observer');
      names.push(authorOf(token).author);
      const o = await tryUpgrade(roomUrl(f.relay.url, keys.shareId, 'transcript'), { protocols: [`tandem.${token}`] });
      if (!o.opened) throw new Error('viewer should connect');
      f.onDispose(() => o.ws.close());
      return o.ws;
    };
    return { flooder: await open(), watcher: await open(), names };
  }

  it('bounds an awareness flood: the rate is limited and the newest state still arrives', async () => {
    const { flooder, watcher } = await twoViewers();
    const seen = recordMessages(watcher);
    const started = performance.now();
    for (let clock = 1; clock <= 2000; clock++) flooder.send(encodeAwarenessEntries([{ clientId: 42, clock, state: JSON.stringify({ user: { name: `n${clock}`, client: 'browser' } }) }]));
    await waitFor(() => seen.ofType(MessageType.awareness).some((m) => decodeEntries(m).some((e) => e.clock === 2000)), { what: 'the newest state' });
    const elapsed = (performance.now() - started) / 1000;
    const delivered = seen.ofType(MessageType.awareness).length;
    const bound = f.relay.limits.awarenessBurst + Math.ceil(f.relay.limits.awarenessPerSecond * elapsed) + 1;
    assert.ok(delivered <= bound, `${delivered} awareness messages delivered for 2000 sent in ${elapsed.toFixed(2)} s (bound ${bound})`);
    assert.ok(f.relay.metrics.awarenessDeferred.get() > 0);
  });

  it('binds awareness to the connection: no other client id, no oversized or non-JSON state', async () => {
    const { flooder: eve, watcher: ann, names } = await twoViewers();
    const seen = recordMessages(eve);
    ann.send(encodeAwarenessEntries([{ clientId: 1, clock: 1, state: '{"user":{"name":"ann","client":"cli"}}' }]));
    await waitFor(() => seen.ofType(MessageType.awareness).length === 1, { what: "ann's presence" });
    eve.send(
      encodeAwarenessEntries([
        { clientId: 1, clock: 5, state: '{"user":{"name":"not ann"}}' },
        { clientId: 1, clock: 6, state: 'null' },
        { clientId: 2, clock: 1, state: 'not json' },
      ]),
    );
    eve.send(encodeAwarenessEntries([{ clientId: 2, clock: 2, state: JSON.stringify({ big: 'x'.repeat(10_000) }) }]));
    eve.send(encodeAwarenessEntries([{ clientId: 2, clock: 3, state: '{"user":{"name":"eve","client":"cli"}}' }]));
    await waitFor(() => seen.ofType(MessageType.awareness).length === 2, { what: "eve's own valid presence" });
    const entries = seen.ofType(MessageType.awareness).flatMap(decodeEntries);
    assert.deepEqual(entries, [
      { clientId: 1, clock: 1, state: JSON.stringify({ user: { name: names[1], role: 'observer', client: 'cli' } }) },
      { clientId: 2, clock: 3, state: JSON.stringify({ user: { name: names[0], role: 'observer', client: 'cli' } }) },
    ]);
    assert.equal(f.relay.metrics.awarenessDropped.get(), 4);

    ann.close();
    await waitFor(() => seen.ofType(MessageType.awareness).length === 3, { what: "ann's removal" });
    assert.deepEqual(decodeEntries(seen.ofType(MessageType.awareness)[2]), [{ clientId: 1, clock: 2, state: 'null' }]);
  });
});
