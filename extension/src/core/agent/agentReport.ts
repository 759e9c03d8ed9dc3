import { z } from 'zod';

// The one line a starting agent prints on stdout for the process that launched it, then it detaches.

export const AgentReport = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), url: z.string(), pid: z.number(), dataDir: z.string() }),
  z.object({ ok: z.literal(false), kind: z.enum(['port-in-use', 'locked', 'failed']), message: z.string(), pid: z.number().optional(), dir: z.string().optional() }),
]);
export type AgentReport = z.infer<typeof AgentReport>;
