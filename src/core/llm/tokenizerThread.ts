// Where an OpenAI tokenizer counts: in a worker thread (the engine's way), or in this thread (tests,
// and a host without worker threads). An encoding is megabytes of rank tables that take 100–300 ms
// of one CPU to load (over a second on a loaded machine); in a worker that load never holds up a
// model reply, an edit or a request being sent, and the counting itself leaves this thread too.
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { errorMessage } from '../common/errors';

/** The part of a gpt-tokenizer encoding module we use. */
export interface Encoding {
  countTokens(text: string): number;
}

/** Counts texts with one loaded encoding. */
export interface TextCounter {
  /** The tokens of each text, in order. */
  countTexts(texts: readonly string[]): Promise<number[]>;
  /** Frees the encoding (a worker stops); resolves once it has. Counting afterwards is refused. */
  close(): Promise<void>;
}

/** How an encoding is loaded: `open` resolves once it can count. */
export interface TokenizerSource {
  open(): Promise<TextCounter>;
}

/** An encoding required and counted in this thread: loading blocks it for as long as the tables take. */
export function inThreadTokenizer(require: () => Encoding): TokenizerSource {
  return {
    open: async () => {
      const encoding = require();
      return {
        countTexts: async (texts) => texts.map((text) => encoding.countTokens(text)),
        close: async () => undefined,
      };
    },
  };
}

/**
 * An encoding loaded and counted in a worker thread of its own, from the module file `modulePath()`
 * names (a `require.resolve` the bundler points at the tokenizer's own file). Falls back to
 * `fallback` in this thread where a worker cannot be started. The worker keeps the process alive
 * only while a count is waiting for its answer.
 */
export function workerTokenizer(modulePath: () => string, fallback: () => Encoding): TokenizerSource {
  return {
    open: async () => {
      let path: string;
      let worker: Worker;
      try {
        path = modulePath();
        // Required here, not at the top: a process that never counts (or has not yet) does not load it.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { Worker } = require('node:worker_threads') as typeof WorkerThreads;
        worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path }, stdout: false, stderr: false });
      } catch {
        return inThreadTokenizer(fallback).open();
      }
      return workerCounter(worker, path);
    },
  };
}

/** The worker: loads the encoding, says so (or why not), then answers each `{ id, texts }` with `{ id, counts }`. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let encoding;
try {
  encoding = require(workerData.path);
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ failed: String((err && err.message) || err) });
}
parentPort.on('message', ({ id, texts }) => {
  try {
    parentPort.postMessage({ id, counts: texts.map((text) => encoding.countTokens(text)) });
  } catch (err) {
    parentPort.postMessage({ id, failed: String((err && err.message) || err) });
  }
});
`;

interface WorkerMessage {
  ready?: true;
  id?: number;
  counts?: number[];
  failed?: string;
}

function workerCounter(worker: Worker, path: string): Promise<TextCounter> {
  const pending = new Map<number, { resolve(counts: number[]): void; reject(err: Error): void }>();
  let nextId = 0;
  let broken: Error | undefined;
  // Loading alone never keeps a process alive; a count someone waits for does.
  worker.unref();
  const fail = (err: Error): void => {
    broken ??= err;
    for (const waiting of pending.values()) waiting.reject(err);
    pending.clear();
    worker.unref();
  };
  const counter: TextCounter = {
    countTexts: (texts) => {
      if (broken) return Promise.reject(broken);
      if (texts.length === 0) return Promise.resolve([]);
      const id = nextId++;
      return new Promise<number[]>((resolve, reject) => {
        if (pending.size === 0) worker.ref();
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, texts });
      });
    },
    close: async () => {
      fail(new Error('the tokenizer was closed'));
      await worker.terminate();
    },
  };
  return new Promise<TextCounter>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.ready) return resolve(counter);
      if (message.id === undefined) {
        const err = new Error(`the worker could not load ${path}: ${message.failed ?? 'no reason given'}`);
        fail(err);
        void worker.terminate();
        return reject(err);
      }
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (pending.size === 0) worker.unref();
      if (message.counts) waiting?.resolve(message.counts);
      else waiting?.reject(new Error(`the tokenizer failed: ${message.failed ?? 'no reason given'}`));
    });
    worker.on('error', (err: unknown) => {
      const error = new Error(`the tokenizer's worker failed: ${errorMessage(err)}`, { cause: err });
      fail(error);
      reject(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`the tokenizer's worker stopped (exit code ${code})`);
      fail(error);
      reject(error);
    });
  });
}
