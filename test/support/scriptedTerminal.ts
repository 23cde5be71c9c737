import { PassThrough } from 'node:stream';
import type { CliOutput } from '../../src/cli/cliIo';
import { TerminalPrompt } from '../../src/cli/terminalPrompt';

/** A terminal a test answers: everything written is kept; each question gets the next of `answers` (none left: stdin ends). */
export function scriptedTerminal(answers: string[]): {
  prompt: TerminalPrompt;
  written: () => string;
  questions: string[];
} {
  const input = new PassThrough();
  const chunks: string[] = [];
  const questions: string[] = [];
  const output: CliOutput = {
    write(text) {
      chunks.push(text);
      if (!/\] $/.test(text)) return;
      questions.push(text.slice(text.lastIndexOf('\n') + 1));
      const next = answers.shift();
      setImmediate(() => (next === undefined ? input.end() : input.write(`${next}\n`)));
    },
    isTTY: true,
    columns: 80,
    flush: async () => undefined,
  };
  return { prompt: new TerminalPrompt(input, output), written: () => chunks.join(''), questions };
}
