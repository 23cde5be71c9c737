import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo, CliOutput } from '../../src/cli/cliIo';

/** An in-process CliIo that records what the CLI writes: no terminal, no signals, HOME under `cwd`. */
export function memoryCliIo(
  cwd: string,
  env: Record<string, string>,
): { io: CliIo; stdout(): string; stderr(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: recordingOutput(out),
      stderr: recordingOutput(err),
      stdin: new PassThrough(),
      stdinIsTTY: false,
      env: { HOME: join(cwd, 'home'), ...env },
      cwd,
      onSignal: () => () => undefined,
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

/** A CLI output stream, not a terminal, that appends what is written to `sink`. */
export function recordingOutput(sink: string[]): CliOutput {
  return {
    write: (text) => void sink.push(text),
    isTTY: false,
    columns: undefined,
    flush: async () => undefined,
  };
}
