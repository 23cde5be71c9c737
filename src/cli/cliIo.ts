import { format } from 'node:util';
import { BUILTIN_PROVIDERS } from '../core/llm/builtinProviders';
import type { ProviderTable } from '../core/llm/providerTable';
import { TickBatchedStream } from './tickBatchedStream';

/** One output stream as the CLI writes to it. */
export interface CliOutput {
  write(text: string): void;
  /** A terminal: progress lines and colours are fine. */
  readonly isTTY: boolean;
  /** Terminal width, when known. */
  readonly columns: number | undefined;
  /** Resolves once everything written so far has been handed to the operating system. */
  flush(): Promise<void>;
}

/** Everything the CLI touches in its process; tests may substitute it. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: NodeJS.ReadableStream;
  /** stdin is a terminal a human can answer on. */
  readonly stdinIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Calls `handler` on each delivery of the signal until the returned function is called. */
  onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): () => void;
}

/** Environment variables whose values must never reach the terminal: every provider's key variable. */
export function secretEnvVars(providers: ProviderTable = BUILTIN_PROVIDERS): string[] {
  return providers.list().map((p) => p.keyEnvVar);
}

/**
 * The real process. As a last line of defence every write is scrubbed of the API keys found in
 * the environment, so even an unexpected error message that quotes a key prints `[redacted]`.
 */
export function processIo(): CliIo {
  const secrets = secretEnvVars()
    .map((name) => process.env[name]?.trim() ?? '')
    .filter((value) => value.length >= 8);
  const scrub = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  // stdout (the event stream) is written once per tick; a stderr write, a flush and the exit hand it over first.
  let stdoutBatch: TickBatchedStream | undefined;
  const output = (stream: NodeJS.WriteStream, batched: boolean): CliOutput => {
    // A reader that went away (`| head -1`) must not crash a run half-way: drop further output.
    let closed = false;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closed = true;
    });
    const direct = { write: (text: string): void => void (closed || stream.write(scrub(text))) };
    const batch = batched ? new TickBatchedStream(direct) : undefined;
    if (batch) {
      stdoutBatch = batch;
      process.once('exit', () => batch.drain());
    }
    return {
      write: (text) => {
        if (batch) return batch.write(text);
        stdoutBatch?.drain();
        direct.write(text);
      },
      get isTTY() {
        return stream.isTTY === true;
      },
      get columns() {
        return stream.isTTY ? stream.columns : undefined;
      },
      flush: () => {
        stdoutBatch?.drain();
        return new Promise<void>((resolve) =>
          closed || stream.writableLength === 0 ? resolve() : stream.write('', () => resolve()),
        );
      },
    };
  };
  return {
    stdout: output(process.stdout, true),
    stderr: output(process.stderr, false),
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => void process.off(signal, handler);
    },
  };
}

/**
 * Sends everything libraries print through `console` to `stderr`, the CLI's own stream: never to
 * stdout, where `--json` promises run events only; with its keys scrubbed like any CLI output; and
 * after the stdout text of the same tick, so the order of the two streams is kept.
 */
export function routeConsoleTo(stderr: CliOutput): void {
  const print = (...args: unknown[]): void => stderr.write(`${format(...args)}\n`);
  for (const method of ['log', 'info', 'debug', 'warn', 'error'] as const) console[method] = print;
}
