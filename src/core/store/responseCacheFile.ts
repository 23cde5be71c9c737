import { appendFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { lazySchema } from '../common/lazySchema';
import type { ChatResponse } from '../llm/chatModel';
import type { ResponseCacheEntry, ResponseCachePersistence } from '../llm/responseCache';
import { writeFileAtomic } from './atomicFile';
import { runLayout } from './runLayout';

/** The file in a run's folder that keeps its response cache: one `[key, answer]` JSON line each. */
export const RESPONSE_CACHE_FILE = 'response-cache.jsonl';

/** How big the file may grow; past it, it is rewritten with the newest answers (half of it). */
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** Most answers read back; the newest are kept. */
const DEFAULT_MAX_ENTRIES = 256;

const ResponseSchema = lazySchema(() =>
  z.object({
    text: z.string(),
    toolCalls: z.array(z.object({ id: z.string(), name: z.string(), rawArguments: z.string() }).passthrough()),
    stopReason: z.enum(['end', 'tool_use', 'max_tokens', 'other']),
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() }).passthrough(),
    responseId: z.string().optional(),
    responseModel: z.string().optional(),
    finishReason: z.string().optional(),
    replay: z.object({ provider: z.string(), model: z.string(), blocks: z.array(z.unknown()) }).optional(),
  }),
);
const LineSchema = lazySchema(() => z.tuple([z.string().regex(/^[0-9a-f]{64}$/), ResponseSchema]));

/** How a `ResponseCacheFile` is set up. */
export interface ResponseCacheFileOptions {
  /** The storage root (run folders are `<root>/runs/<id>`). */
  root: string;
  /** Told when a file is unusable or partly unreadable; the cache then starts without what it could not read. */
  warn(message: string): void;
  maxBytes?: number;
  maxEntries?: number;
}

/**
 * Keeps each run's response cache in its folder, so `resume` in a new process (CLI) does not pay
 * for the same deterministic requests again. Only what the cache holds is written: the key is a
 * SHA-256 of the request (never the request, its prompt or a key) and the value the model's answer.
 * Answers are appended one line each (a torn last line from a crash is skipped with a warning);
 * past `maxBytes` the file is rewritten atomically with the newest answers. A file that cannot be
 * read is ignored with a warning: the cache is an optimisation, the run goes on without it.
 */
export class ResponseCacheFile implements ResponseCachePersistence {
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  /** Per run: the lines in the file (newest last) and its size, and the queue its writes go through. */
  private readonly runs = new Map<string, { lines: string[]; bytes: number; queue: Promise<void> }>();

  constructor(private readonly options: ResponseCacheFileOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  /** The file of one run. */
  pathOf(runId: string): string {
    return join(runLayout(this.options.root, runId).dir, RESPONSE_CACHE_FILE);
  }

  async load(runId: string): Promise<ResponseCacheEntry[]> {
    const file = this.pathOf(runId);
    const run = this.run(runId);
    let text: string;
    try {
      const size = (await stat(file)).size;
      if (size > 2 * this.maxBytes) {
        this.options.warn(
          `The response cache ${file} is ${size} bytes, more than it is ever written; it was ignored (delete it to silence this).`,
        );
        return [];
      }
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.options.warn(`The response cache ${file} could not be read (${String(err)}); the run goes on without it.`);
      return [];
    }
    const byKey = new Map<string, ChatResponse>();
    let unreadable = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const parsed = parseLine(line);
      if (parsed === undefined) {
        unreadable++;
        continue;
      }
      byKey.delete(parsed[0]);
      byKey.set(parsed[0], parsed[1]);
    }
    if (unreadable > 0)
      this.options.warn(
        `The response cache ${file} had ${unreadable} unreadable line(s) (a crash mid-write, or a damaged file); they were ignored.`,
      );
    const entries: ResponseCacheEntry[] = [...byKey].slice(-this.maxEntries);
    run.lines = entries.map((e) => JSON.stringify(e));
    run.bytes = run.lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    return entries;
  }

  append(runId: string, entry: ResponseCacheEntry): Promise<void> {
    const run = this.run(runId);
    const line = JSON.stringify(entry);
    const size = Buffer.byteLength(line) + 1;
    // One answer larger than the file may grow is kept in memory only.
    if (size > this.maxBytes / 2) return run.queue;
    run.queue = run.queue.then(async () => {
      run.lines.push(line);
      run.bytes += size;
      if (run.bytes <= this.maxBytes && run.lines.length <= 2 * this.maxEntries) {
        await appendFile(this.pathOf(runId), `${line}\n`, { mode: 0o600 });
        return;
      }
      // Too big: keep the newest answers that fill half of it, written whole (old or new file on a crash).
      const kept: string[] = [];
      let bytes = 0;
      for (let i = run.lines.length - 1; i >= 0 && kept.length < this.maxEntries; i--) {
        const l = run.lines[i]!;
        const b = Buffer.byteLength(l) + 1;
        if (bytes + b > this.maxBytes / 2) break;
        kept.unshift(l);
        bytes += b;
      }
      run.lines = kept;
      run.bytes = bytes;
      await writeFileAtomic(this.pathOf(runId), kept.map((l) => `${l}\n`).join(''));
    });
    // A failed write (the run folder is gone, a full disk) costs only a later cache miss.
    run.queue = run.queue.catch(() => undefined);
    return run.queue;
  }

  /** Resolves once every write asked for so far is done (tests, shutdown). */
  async flushed(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.queue));
  }

  private run(runId: string): { lines: string[]; bytes: number; queue: Promise<void> } {
    let run = this.runs.get(runId);
    if (run === undefined) this.runs.set(runId, (run = { lines: [], bytes: 0, queue: Promise.resolve() }));
    return run;
  }
}

function parseLine(line: string): ResponseCacheEntry | undefined {
  try {
    const parsed = LineSchema.safeParse(JSON.parse(line));
    return parsed.success ? [parsed.data[0], parsed.data[1] as unknown as ChatResponse] : undefined;
  } catch {
    return undefined;
  }
}
