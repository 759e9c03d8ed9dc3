import { z } from 'zod';

/** host writes the transcript and reads the queue; prompter reads the transcript and writes the queue;
 *  observer reads both. The relay enforces this table. */
export const Role = z.enum(['host', 'prompter', 'observer']);
export type Role = z.infer<typeof Role>;

export const RoomKind = z.enum(['transcript', 'queue']);
export type RoomKind = z.infer<typeof RoomKind>;

const writers: Record<RoomKind, readonly Role[]> = {
  transcript: ['host'],
  queue: ['host', 'prompter'],
};

export function canWrite(role: Role, room: RoomKind): boolean {
  return writers[room].includes(role);
}
