// Imported first by main.ts, before any schema is built: zod otherwise probes `new Function` to
// compile parsers, which the CSP forbids (and reports as a violation).
import { config } from 'zod';

config({ jitless: true });
