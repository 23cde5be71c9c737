import type {
  LmApi,
  LmCancellation,
  LmCancellationToken,
  LmChat,
  LmMessage,
  LmModelSelector,
  LmRequestOptions,
  LmStreamPart,
} from '../../src/host/lm/vscodeLmPort';

/** A `vscode.CancellationTokenSource` as a plain object: what the adapter did to it is recorded. */
export class FakeCancellation implements LmCancellation {
  cancelled = false;
  disposed = false;
  private readonly waiters: (() => void)[] = [];
  readonly token: LmCancellationToken & { isCancellationRequested(): boolean } = {
    isCancellationRequested: () => this.cancelled,
  };

  cancel(): void {
    this.cancelled = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  dispose(): void {
    this.disposed = true;
  }

  /** Resolves once cancelled. */
  whenCancelled(): Promise<void> {
    return this.cancelled ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** What one `sendRequest` was given. */
export interface SentRequest {
  messages: LmMessage[];
  options: LmRequestOptions;
  token: LmCancellationToken;
}

/** How a fake model answers one request: parts to stream, or an error to reject `sendRequest` with. */
export type FakeAnswer = ((sent: SentRequest) => AsyncIterable<LmStreamPart>) | Error;

/**
 * A chat model shaped like `vscode.LanguageModelChat`. It counts tokens as one per three
 * characters of the text (of the JSON of a message), so a test can tell its counts from the
 * engine's chars/4 estimate.
 */
export class FakeLmChat implements LmChat {
  readonly sent: SentRequest[] = [];
  readonly counted: (string | LmMessage)[] = [];
  countFailure: Error | undefined;
  readonly maxInputTokens = 128_000;

  constructor(
    readonly id: string,
    readonly family: string,
    private readonly answers: FakeAnswer[],
    readonly vendor = 'copilot',
    readonly name = id.toUpperCase(),
  ) {}

  async sendRequest(messages: LmMessage[], options: LmRequestOptions, token: LmCancellationToken) {
    const sent = { messages, options, token };
    this.sent.push(sent);
    const answer = this.answers.shift();
    if (answer === undefined) throw new Error('the fake model has no answer left');
    if (answer instanceof Error) throw answer;
    return { stream: answer(sent) };
  }

  async countTokens(text: string | LmMessage): Promise<number> {
    this.counted.push(text);
    if (this.countFailure) throw this.countFailure;
    return FakeLmChat.tokensOf(text);
  }

  /** The fake's token count of a text or message. */
  static tokensOf(text: string | LmMessage): number {
    return Math.ceil((typeof text === 'string' ? text : JSON.stringify(text)).length / 3);
  }
}

/** `vscode.lm` with a fixed list of models; selection follows VS Code's (every given field must match). */
export class FakeLm implements LmApi {
  readonly cancellations: FakeCancellation[] = [];
  readonly selectors: (LmModelSelector | undefined)[] = [];
  selectFailure: Error | undefined;

  constructor(readonly models: FakeLmChat[]) {}

  async selectChatModels(selector?: LmModelSelector): Promise<readonly LmChat[]> {
    this.selectors.push(selector);
    if (this.selectFailure) throw this.selectFailure;
    return this.models.filter(
      (m) =>
        (selector?.id === undefined || m.id === selector.id) &&
        (selector?.family === undefined || m.family === selector.family) &&
        (selector?.vendor === undefined || m.vendor === selector.vendor),
    );
  }

  createCancellation(): FakeCancellation {
    const source = new FakeCancellation();
    this.cancellations.push(source);
    return source;
  }
}

/** A `vscode.LanguageModelError` as it reaches an extension: an Error with a `code`. */
export function languageModelError(code: string, message: string): Error {
  const err = new Error(message) as Error & { code: string };
  err.name = 'LanguageModelError';
  err.code = code;
  return err;
}

/** A stream of the given parts. */
export function streamOf(...parts: LmStreamPart[]): () => AsyncIterable<LmStreamPart> {
  return async function* () {
    for (const part of parts) yield part;
  };
}
