import * as Y from 'yjs';
import type { z } from 'zod';
import {
  QUEUE_ARRAYS,
  QUEUE_ARRAY_NAMES,
  RunState,
  addedEntries,
  boundAuthor,
  isQueueArrayName,
  isTerminal,
  queueRoom,
  transcriptRoom,
  type QueueArrayName,
  type Role,
  type TokenClaims,
} from '../../protocol/src';
import { deletesAreKnown, findStruct } from './yjsStore';

// What a prompter may write to a queue room (DESIGN.md §3, README "The queue room's rules"): appends
// of well-formed entries to the arrays of protocol/src/queueRules.ts, each carrying the writer's link
// name and token id, and nothing else. Every incoming update is decoded and judged before it is
// stored; one thing wrong refuses the whole update. Hosts write freely.
//
// The rules judge an update against the room as it will be when the update is applied, which is
// later (after storage): a mirror document takes every accepted update at once (and every update
// another relay node accepted), so the next update, which may build on it, is judged against it. Everything a Yjs update can do is covered:
//   - a delete set may only repeat deletions the room already has (stock clients resend theirs);
//   - a struct the room already has (same client, clock below the room's state) is ignored by Yjs,
//     so it is skipped here too; the new part of a struct that overlaps is judged as new;
//   - a new struct must continue its client's clocks (no gap: Yjs would park it, unjudged) under a
//     client id this token owns: new to the room, or first written with this token (so nobody can
//     take the clocks another writer's next update needs);
//   - a new struct must be an item of plain JSON (ContentAny; no GC, deleted, string, format, embed,
//     binary, nested type or sub-document content) whose parent is a queue array: its left and right
//     neighbours must be items of that array (in the room or earlier in the update), or with no
//     neighbours its parent is named and it has no map key;
//   - every entry parses with its array's schema and names this token; per-array rules follow.

export type QueueWriteLimits = {
  /** prompts of one token that may be waiting (no final status from the host) at once */
  maxPendingPrompts: number;
};

export type Writer = { readonly role: Role; readonly claims: TokenClaims };

/** Why an update was refused: `rule` labels the metric, `reason` goes to the writer. */
export type Refusal = { rule: string; reason: string };

/**
 * The verdict on an update. An accepted one lists the ids it takes (`prompt:<id>`, `cancel:<prompt id>`,
 * `answer:<id>`): on one node the indexes here keep them unique; a store shared by several relay nodes
 * takes the update only if no other node took one of them first.
 */
export type RulesVerdict = { refused: Refusal } | { refused: null; unique: string[] };

/** What an accepted update adds, collected while judging it. */
type Additions = { promptIds: Map<string, string>; cancels: Set<string>; answerIds: Set<string> };

/** Checks beyond the schema for one array's entries; a new array adds its rule here (a compile error until it does). */
type EntryRules = { [K in QueueArrayName]: (entry: z.infer<(typeof QUEUE_ARRAYS)[K]>, writer: TokenClaims, added: Additions) => Refusal | null };

type NewItem = { item: Y.Item; offset: number };

export class QueueWriteRules {
  private readonly mirror = new Y.Doc({ gc: true });
  private readonly promptTokens = new Map<string, string>();
  private readonly cancelled = new Set<string>();
  private readonly answerIds = new Set<string>();
  /** per token, its prompts that had no final status when last looked at */
  private readonly waiting = new Map<string, string[]>();
  private readonly owners = new Map<number, string>();

  private readonly rules: EntryRules = {
    prompts: (p, writer, added) => {
      if (this.promptTokens.has(p.id) || added.promptIds.has(p.id)) return refusal('duplicate', `a prompt with id ${p.id} is already in the queue`);
      added.promptIds.set(p.id, writer.jti);
      return null;
    },
    cancels: (c, writer, added) => {
      const owner = this.promptTokens.get(c.promptId) ?? added.promptIds.get(c.promptId);
      if (owner !== writer.jti) return refusal('cancel', `a link may cancel only the prompts it queued; ${c.promptId} is not one of them`);
      if (this.cancelled.has(c.promptId) || added.cancels.has(c.promptId)) return refusal('duplicate', `prompt ${c.promptId} already has a cancel request`);
      added.cancels.add(c.promptId);
      return null;
    },
    answers: (a, _writer, added) => {
      if (this.answerIds.has(a.id) || added.answerIds.has(a.id)) return refusal('duplicate', `an answer with id ${a.id} is already in the queue`);
      added.answerIds.add(a.id);
      return null;
    },
  };

  constructor(
    state: Uint8Array,
    private readonly limits: QueueWriteLimits,
    /** the share's transcript room, when it is loaded: its `runs` say which prompts are finished */
    private readonly transcript: () => Y.Doc | undefined,
  ) {
    const arrays = queueRoom(this.mirror);
    for (const name of QUEUE_ARRAY_NAMES) arrays[name].observe((_e, tr) => this.index(name, addedEntries(tr, arrays[name])));
    Y.applyUpdate(this.mirror, state);
    for (const [client, structs] of this.mirror.store.clients) this.owners.set(client, ownerOf(structs) ?? '');
  }

  /** Judges `update` from `writer`; when it is accepted, it is part of the room from now on. */
  admit(writer: Writer, update: Uint8Array): RulesVerdict {
    const added: Additions = { promptIds: new Map(), cancels: new Set(), answerIds: new Set() };
    if (writer.role !== 'host') {
      const refused = this.judge(writer.claims, update, added);
      if (refused) return { refused };
    }
    this.record(update, writer.claims.jti);
    return {
      refused: null,
      unique: [...[...added.promptIds.keys()].map((id) => `prompt:${id}`), ...[...added.cancels].map((id) => `cancel:${id}`), ...[...added.answerIds].map((id) => `answer:${id}`)],
    };
  }

  /** Takes an accepted update into the mirror; new client ids belong to `writer` (else to their first entry's token). */
  record(update: Uint8Array, writer?: string): void {
    const fresh = Y.decodeUpdate(update).structs.filter((s) => !this.owners.has(s.id.client));
    Y.applyUpdate(this.mirror, update);
    for (const s of fresh) {
      if (!this.owners.has(s.id.client)) this.owners.set(s.id.client, writer ?? ownerOf(this.mirror.store.clients.get(s.id.client) ?? []) ?? '');
    }
  }

  dispose(): void {
    this.mirror.destroy();
  }

  private judge(claims: TokenClaims, update: Uint8Array, added: Additions): Refusal | null {
    const { structs, ds } = Y.decodeUpdate(update);
    if (!deletesAreKnown(this.mirror, ds)) return refusal('delete', 'a prompter link cannot delete or change queue entries, only add new ones');
    const items: NewItem[] = [];
    const next = new Map<number, number>();
    for (const s of structs) {
      if (s instanceof Y.Skip) continue;
      const client = s.id.client;
      const state = next.get(client) ?? Y.getState(this.mirror.store, client);
      if (s.id.clock + s.length <= state) continue;
      if (s.id.clock > state) return refusal('gap', 'an earlier update from this client was refused, so later ones cannot be applied; reconnect to write again');
      const owner = this.owners.get(client);
      if ((owner !== undefined || state > 0) && owner !== claims.jti) return refusal('client', 'the update writes under a Yjs client id that belongs to another writer');
      if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentAny)) return refusal('content', 'queue entries are plain JSON values added to the queue arrays; the update holds other content');
      next.set(client, s.id.clock + s.length);
      items.push({ item: s, offset: state - s.id.clock });
    }
    const parents = new ParentResolver(this.mirror, items);
    const bound = boundAuthor(claims);
    for (const { item, offset } of items) {
      const name = parents.of(item, offset);
      if (!name) return refusal('outside', `a prompter link may only add entries to the queue arrays (${QUEUE_ARRAY_NAMES.join(', ')}); the update writes elsewhere`);
      for (const value of (item.content as Y.ContentAny).getContent().slice(offset)) {
        const parsed = QUEUE_ARRAYS[name].safeParse(value);
        if (!parsed.success) return refusal('schema', `a ${name} entry is malformed: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
        if (parsed.data.author !== bound.author || parsed.data.tokenId !== bound.tokenId) {
          return refusal('author', `entries from this link must name it as their author ("${bound.author}", token ${bound.tokenId}); the update was refused`);
        }
        const refused = (this.rules[name] as (entry: typeof parsed.data, writer: TokenClaims, added: Additions) => Refusal | null)(parsed.data, claims, added);
        if (refused) return refused;
      }
    }
    return this.overCap(claims.jti, added.promptIds.size);
  }

  private overCap(tokenId: string, adding: number): Refusal | null {
    if (adding === 0) return null;
    const max = this.limits.maxPendingPrompts;
    // the transcript's runs are read only near the cap (a log-served transcript builds its view on first read)
    if ((this.waiting.get(tokenId)?.length ?? 0) + adding <= max) return null;
    const transcript = this.transcript();
    const runs = transcript && transcriptRoom(transcript).runs;
    const ids = (this.waiting.get(tokenId) ?? []).filter((id) => !runs || !isTerminal(RunState.safeParse((runs.get(id) as { state?: unknown } | undefined)?.state).data ?? 'queued'));
    this.waiting.set(tokenId, ids);
    if (ids.length + adding <= max) return null;
    return refusal('pending-cap', `this link already has ${ids.length} prompts waiting for the host (at most ${max} at once); queue more once some have finished or been cancelled`);
  }

  /** Keeps the indexes current with every entry the mirror takes (accepted writes, and the stored room). */
  private index(name: QueueArrayName, values: unknown[]): void {
    for (const value of values) {
      const parsed = QUEUE_ARRAYS[name].safeParse(value);
      if (!parsed.success) continue;
      if (name === 'cancels') this.cancelled.add((parsed.data as { promptId: string }).promptId);
      else if (name === 'answers') this.answerIds.add((parsed.data as { id: string }).id);
      else if (name === 'prompts') {
        const { id, tokenId } = parsed.data as { id: string; tokenId: string };
        if (this.promptTokens.has(id)) continue;
        this.promptTokens.set(id, tokenId);
        const list = this.waiting.get(tokenId) ?? [];
        list.push(id);
        this.waiting.set(tokenId, list);
      }
    }
  }
}

/** Which queue array each new item of an update lands in, resolved as Yjs will integrate it. */
class ParentResolver {
  private readonly memo = new Map<Y.Item, QueueArrayName | null>();
  /** the update's new items per client, in clock order (as an update lists them) */
  private readonly byClient = new Map<number, NewItem[]>();

  constructor(
    private readonly doc: Y.Doc,
    items: readonly NewItem[],
  ) {
    for (const n of items) {
      const list = this.byClient.get(n.item.id.client) ?? [];
      list.push(n);
      this.byClient.set(n.item.id.client, list);
    }
  }

  of(item: Y.Item, offset: number): QueueArrayName | null {
    if (this.memo.has(item)) return this.memo.get(item) as QueueArrayName | null;
    this.memo.set(item, null); // a cycle of references resolves to nothing
    const left = offset > 0 ? Y.createID(item.id.client, item.id.clock + offset - 1) : item.origin;
    let name: QueueArrayName | null;
    if (left || item.rightOrigin) {
      const names = [left, item.rightOrigin].filter((id): id is Y.ID => id !== null).map((id) => this.at(id));
      name = names.every((n) => n === names[0]) ? names[0] : null;
    } else {
      name = typeof item.parent === 'string' && item.parentSub === null && isQueueArrayName(item.parent) ? item.parent : null;
    }
    this.memo.set(item, name);
    return name;
  }

  /** The array of the item holding `id`: in the room, or new in this update. */
  private at(id: Y.ID): QueueArrayName | null {
    const existing = findStruct(this.doc, id.client, id.clock);
    if (existing) return existing instanceof Y.Item && existing.parentSub === null ? rootArrayName(existing.parent as Y.AbstractType<unknown>) : null;
    const found = this.newItemAt(id);
    return found ? this.of(found.item, found.offset) : null;
  }

  private newItemAt(id: Y.ID): NewItem | undefined {
    const list = this.byClient.get(id.client) ?? [];
    for (let lo = 0, hi = list.length - 1; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      const { item } = list[mid];
      if (id.clock < item.id.clock) hi = mid - 1;
      else if (id.clock >= item.id.clock + item.length) lo = mid + 1;
      else return list[mid];
    }
    return undefined;
  }
}

function rootArrayName(type: Y.AbstractType<unknown>): QueueArrayName | null {
  if (!(type instanceof Y.Array) || type._item !== null) return null;
  const key = Y.findRootTypeKey(type);
  return isQueueArrayName(key) ? key : null;
}

/** The token id of the first entry a client wrote, for a room loaded from storage. */
function ownerOf(structs: ReadonlyArray<Y.Item | Y.GC>): string | undefined {
  for (const s of structs) {
    if (!(s instanceof Y.Item) || !(s.content instanceof Y.ContentAny)) continue;
    for (const value of s.content.getContent()) {
      const tokenId = (value as { tokenId?: unknown } | null)?.tokenId;
      if (typeof tokenId === 'string') return tokenId;
    }
  }
  return undefined;
}

function refusal(rule: string, reason: string): Refusal {
  return { rule, reason };
}
