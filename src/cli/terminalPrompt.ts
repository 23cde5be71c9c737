import { createInterface } from 'node:readline';
import { abortReason } from '../core/common/clock';
import type { CliOutput } from './cliIo';

/** A human's answer; `closed` when stdin ended before one came. */
export type PromptAnswer = 'yes' | 'no' | 'closed';

/** Called around each question, so a progress line can step aside. */
export interface PromptHooks {
  before?(): void;
  after?(): void;
}

/**
 * Yes/no questions on the terminal: the text goes to stderr, the answer is one line of stdin.
 * Parallel tasks may ask at the same moment, so questions are asked one at a time, in order.
 * stdin stays in cooked mode, so Ctrl+C still reaches the process as SIGINT.
 */
export class TerminalPrompt {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: CliOutput,
    private readonly hooks: PromptHooks = {},
  ) {}

  /** Prints `text`, asks `question [y/N]` and resolves with the answer; rejects with the abort reason. */
  async confirm(text: string, question: string, signal: AbortSignal): Promise<PromptAnswer> {
    const line = await this.answer(text, `${question} [y/N]`, signal);
    return line === undefined ? 'closed' : /^\s*y(es)?\s*$/i.test(line) ? 'yes' : 'no';
  }

  /**
   * Prints `text`, asks `question` (which names its own choices) and resolves with the line typed,
   * trimmed; undefined when stdin ended first. Rejects with the abort reason.
   */
  answer(text: string, question: string, signal: AbortSignal): Promise<string | undefined> {
    const asked = this.queue.then(() => this.ask(text, question, signal));
    this.queue = asked.catch(() => undefined);
    return asked;
  }

  private ask(text: string, question: string, signal: AbortSignal): Promise<string | undefined> {
    if (signal.aborted) return Promise.reject(abortReason(signal));
    this.hooks.before?.();
    this.output.write(`${text}\n${question} `);
    const rl = createInterface({ input: this.input, terminal: false });
    return new Promise<string | undefined>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        rl.close();
        this.hooks.after?.();
        fn();
      };
      const onAbort = (): void =>
        finish(() => {
          this.output.write('\n');
          reject(abortReason(signal));
        });
      signal.addEventListener('abort', onAbort, { once: true });
      rl.once('line', (line) => finish(() => resolve(line.trim())));
      rl.once('close', () =>
        finish(() => {
          this.output.write('\n');
          resolve(undefined);
        }),
      );
    });
  }
}
