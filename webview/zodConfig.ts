// Imported first by main.ts, before any schema is built: zod otherwise probes `new Function` to
// compile parsers, which the CSP forbids (and reports as a violation). zod/mini, like the
// protocol schemas, so the page carries no classic zod.
import { config } from 'zod/mini';

config({ jitless: true });
