import { z } from 'zod';
import { Role } from './roles';

/** Awareness state each client publishes: who is watching, from where. Parsed, never trusted. */
export const PresenceState = z.object({
  user: z.object({
    name: z.string().max(100),
    role: Role,
    client: z.enum(['vscode', 'browser', 'cli', 'host']),
  }),
});
export type PresenceState = z.infer<typeof PresenceState>;
