import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';
import type { ChatRequest, ChatResponse } from './chatModel';

/**
 * True when the caller asked for the same answer to the same request: temperature 0 or a fixed
 * seed. Our agents and planner send temperature 0 unless an agent file sets one, so their repeated
 * requests in a run are cacheable. A model that cannot honour it on the wire (Anthropic's SDK has no
 * sampling parameters; OpenAI reasoning models take only the default) still gets the run's cached
 * answer: the cache is what makes the repeat deterministic.
 */
export function isDeterministic(request: ChatRequest): boolean {
  return request.temperature === 0 || request.seed !== undefined;
}

/** A whole, usable answer that was really sent (not itself a cache hit). */
function isCacheable(response: ChatResponse): boolean {
  if (response.stopReason === 'other' || response.stopReason === 'max_tokens' || response.usage.cached) return false;
  return response.toolCalls.every((c) => c.argumentsError === undefined);
}

/** How big a `ResponseCache` may grow. */
export interface ResponseCacheOptions {
  /** Most answers kept; the least recently used is dropped first. Default 256. */
  maxEntries?: number;
}

/** One kept answer: the request's key (a SHA-256, never the request) and the model's answer. */
export type ResponseCacheEntry = readonly [key: string, response: ChatResponse];

/**
 * Where a run's answers outlive the process (`ResponseCacheFile` in the store): `load` gives the
 * answers kept so far (none when there is no usable file), `append` keeps one more.
 */
export interface ResponseCachePersistence {
  load(runId: string): Promise<ResponseCacheEntry[]>;
  append(runId: string, entry: ResponseCacheEntry): Promise<void>;
}

/**
 * An opt-in, exact-match cache of complete answers (in memory; `persistTo` also keeps them on disk), keyed by a SHA-256 of the canonical
 * JSON of (provider, model, request). A hit costs nothing and reports zero usage with
 * `cached: true`. It is exact-match only: any change to the request (a message, a tool, the
 * temperature, `maxOutputTokens`) is a miss. With a temperature above 0 a hit replays one sample
 * instead of drawing a new one, which is why the cache is off unless a caller passes one.
 */
export class ResponseCache {
  private readonly entries = new Map<string, ChatResponse>();
  private readonly maxEntries: number;
  private hitCount = 0;
  private missCount = 0;
  /** Settles once the persisted answers (if any) are in. */
  private loaded: Promise<void> = Promise.resolve();
  /** Told of each answer kept (the run's file appends it). */
  private onKept: ((entry: ResponseCacheEntry) => void) | undefined;

  constructor(options: ResponseCacheOptions = {}) {
    const max = options.maxEntries ?? 256;
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError(`ResponseCache maxEntries must be an integer >= 1, got ${String(max)}.`);
    this.maxEntries = max;
  }

  /** The cache key: hex SHA-256 of the canonical JSON of provider, model and request. */
  static keyOf(provider: string, model: string, request: ChatRequest): string {
    return createHash('sha256').update(canonicalJson({ provider, model, request })).digest('hex');
  }

  /** A copy of the cached answer with zero usage and `cached: true`, or undefined on a miss. */
  get(provider: string, model: string, request: ChatRequest): ChatResponse | undefined {
    return this.getByKey(ResponseCache.keyOf(provider, model, request));
  }

  /** `get` by a key from `keyOf`: a caller that asks and then keeps the answer hashes the request once. */
  getByKey(key: string): ChatResponse | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) {
      this.missCount++;
      return undefined;
    }
    // Re-insert so Map order is least-recently-used first.
    this.entries.delete(key);
    this.entries.set(key, hit);
    this.hitCount++;
    return { ...structuredClone(hit), usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, cached: true } };
  }

  /**
   * Keeps a complete answer: only the model's answer, never a tool's result. Answers cut at the
   * output limit, stopped for an unknown reason (a content filter, a refusal) or carrying tool
   * arguments that are not JSON are not kept, since asking again may well give a better one.
   * Failed and partial streams never get here (`complete` rejects on them).
   */
  set(provider: string, model: string, request: ChatRequest, response: ChatResponse): void {
    this.setByKey(ResponseCache.keyOf(provider, model, request), response);
  }

  /** `set` by a key from `keyOf`. */
  setByKey(key: string, response: ChatResponse): void {
    if (!isCacheable(response)) return;
    const kept = structuredClone(response);
    this.keep(key, kept);
    this.onKept?.([key, kept]);
  }

  /** Resolves once answers persisted by an earlier process are in; look up only after it. */
  ready(): Promise<void> {
    return this.loaded;
  }

  /** Loads `load`'s answers (older than any kept since) and reports each later one to `onKept`. */
  persistTo(load: Promise<readonly ResponseCacheEntry[]>, onKept: (entry: ResponseCacheEntry) => void): void {
    this.onKept = onKept;
    this.loaded = load.then(
      (entries) => {
        const newer = [...this.entries];
        this.entries.clear();
        for (const [key, response] of [...entries, ...newer]) this.keep(key, response);
      },
      () => undefined,
    );
  }

  private keep(key: string, response: ChatResponse): void {
    this.entries.delete(key);
    this.entries.set(key, response);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Answers currently kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Hits and misses since the cache was made. */
  get stats(): { hits: number; misses: number } {
    return { hits: this.hitCount, misses: this.missCount };
  }

  /** Forgets every answer. */
  clear(): void {
    this.entries.clear();
  }
}

/**
 * One `ResponseCache` per run, so an answer is reused only inside the run that got it: a new run
 * (a new goal, a changed workspace) always asks the model. The caches of the most recent runs are
 * kept in memory; an older run's is dropped. With `persistence` each run's answers are also kept in
 * its folder, so a resume, even in a new process (CLI `resume`), does not pay for them again.
 */
export class RunResponseCaches {
  private readonly runs = new Map<string, ResponseCache>();

  constructor(
    private readonly options: ResponseCacheOptions & {
      maxRuns?: number;
      /** Keeps each run's answers in its folder, so a resume in a new process finds them. */
      persistence?: ResponseCachePersistence;
    } = {},
  ) {}

  /** The cache of `runId`, made on first use. */
  forRun(runId: string): ResponseCache {
    let cache = this.runs.get(runId);
    if (cache === undefined) {
      cache = new ResponseCache(this.options);
      const store = this.options.persistence;
      if (store) cache.persistTo(store.load(runId), (entry) => void store.append(runId, entry).catch(() => undefined));
    }
    this.runs.delete(runId);
    this.runs.set(runId, cache);
    while (this.runs.size > (this.options.maxRuns ?? 8)) {
      const oldest = this.runs.keys().next();
      if (oldest.done) break;
      this.runs.delete(oldest.value);
    }
    return cache;
  }
}
