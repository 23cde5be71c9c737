import { z } from 'zod';

// Imported first by cli.ts: zod reads this when each schema is built, at module load. A CLI run
// parses each schema a few times, so zod's generated fast path costs more to compile than it saves
// (about 100 ms of a run). Results are the same either way.
z.config({ jitless: true });
