import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Heartbeat, type Beating } from '../../relay/src/heartbeat';
import { RelayFixture } from './helpers/relayFixture';
import { closeCode, roomUrl } from './helpers/rawClient';
import { waitFor } from '../helpers/waitFor';

// The heartbeat drops sockets that stopped answering pings, and spreads its pings over the period:
// a relay with a thousand sockets pinged them all in one turn, a stall for every live update behind it.

class FakeConnection implements Beating {
  alive = true;
  pings = 0;
  terminated = false;
  answers = true;
  ping(): void {
    this.alive = false;
    this.pings++;
    if (this.answers) this.alive = true;
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('relay heartbeat', () => {
  it('pings every connection once a period, a slice at a time, and drops one that stopped answering on its next turn', () => {
    let now = 0;
    const set = new Set(Array.from({ length: 95 }, () => new FakeConnection()));
    const beats = new Heartbeat(set, 30, 30_000, () => now);
    const all = [...set];
    const perTick: number[] = [];
    for (let t = 0; t < 30; t++) {
      const before = all.reduce((n, c) => n + c.pings, 0);
      beats.tick();
      now += 1000;
      perTick.push(all.reduce((n, c) => n + c.pings, 0) - before);
    }
    assert.ok(all.every((c) => c.pings === 1), 'each pinged once in the period');
    assert.ok(Math.max(...perTick) <= Math.ceil(95 / 30), `at most ${Math.ceil(95 / 30)} pings a slice (${perTick.join(',')})`);

    const silent = all[10];
    silent.answers = false;
    const gone = all[50];
    set.delete(gone);
    for (let t = 0; t < 30; t++, now += 1000) beats.tick(); // silent is pinged, unanswered
    assert.equal(silent.terminated, false);
    assert.equal(gone.pings, 1, 'a connection that left is not pinged');
    for (let t = 0; t < 30; t++, now += 1000) beats.tick();
    assert.equal(silent.terminated, true, 'dropped a period after the ping it did not answer');
    assert.ok(all.filter((c) => c !== silent).every((c) => !c.terminated));
  });

  it('gives a ping at least half a period to be answered, even when the connection moves up the order', () => {
    let now = 0;
    const set = new Set(Array.from({ length: 30 }, () => new FakeConnection()));
    const beats = new Heartbeat(set, 30, 30_000, () => now);
    const last = [...set][29];
    for (let t = 0; t < 29; t++, now += 1000) beats.tick();
    last.answers = false;
    beats.tick(); // the last slice pings it
    now += 1000;
    for (const c of [...set].slice(0, 29)) set.delete(c); // everyone before it leaves: it is first in the next period
    beats.tick();
    assert.equal(last.terminated, false, 'not dropped one second after its ping');
    for (let t = 0; t < 29; t++, now += 1000) beats.tick();
    beats.tick();
    assert.equal(last.terminated, true);
  });

  describe('in a relay', () => {
    const f = new RelayFixture();
    afterEach(() => f.dispose());

    it('drops a socket that does not answer pings and keeps one that does', async () => {
      await f.start({ limits: { heartbeatMs: 600 } });
      const keys = f.share();
      const open = (autoPong: boolean) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(roomUrl(f.relay.url, keys.shareId, 'transcript'), [`tandem.${f.token(keys, 'observer')}`], { autoPong });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        });
      const silent = await open(false);
      const answering = await open(true);
      f.onDispose(() => answering.terminate());
      let closed: { code: number } | null = null;
      void closeCode(silent).then((c) => (closed = c));
      let pinged = 0;
      answering.on('ping', () => pinged++);
      await waitFor(() => closed !== null, { timeoutMs: 5000, what: 'the relay to cut off the socket that does not answer pings' });
      assert.equal((closed as { code: number } | null)?.code, 1006, 'cut off without a close handshake');
      await waitFor(() => pinged >= 3, { timeoutMs: 5000, what: 'the answering socket to be pinged again' });
      assert.equal(answering.readyState, WebSocket.OPEN);
    });
  });
});
