import { z } from 'zod';

// Imported first by each entry, before any schema is built: zod compiles fast parsers with `new Function`
// unless told not to, and under the viewer's CSP (no 'unsafe-eval') its probe is a reported violation.
z.config({ jitless: true });
