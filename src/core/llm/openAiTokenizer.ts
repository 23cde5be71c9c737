// OpenAI's tokenizers (gpt-tokenizer's o200k_base and cl100k_base). Their rank tables are megabytes
// of JavaScript that take 100–300 ms of one CPU to load, so a load never sits on the way of a
// request: until an encoding has loaded, a request is measured by a safe upper bound, and the
// encoding loads in a worker thread (tokenizerThread.ts) once the event loop is idle (the first
// request is then out, waiting for its answer); counting happens there too. The bundles keep the tables in files of their own next to the
// SDKs (dist/sdk/*.js).
import { Buffer } from 'node:buffer';
import { isDeeplyFrozen } from '../common/deepFreeze';
import { whenEventLoopIdle, type IdleWait } from '../common/eventLoopIdle';
import { errorMessage } from '../common/errors';
import type { ChatRequest, ToolSpec } from './chatModel';
import { workerTokenizer, type Encoding, type TextCounter, type TokenizerSource } from './tokenizerThread';

export { inThreadTokenizer, type Encoding } from './tokenizerThread';

/** The tokenizer families of OpenAI's chat models. */
export type OpenAiEncodingName = 'o200k_base' | 'cl100k_base';

/** Tokens the Chat Completions format adds around each message (`<|start|>role … <|end|>`). */
export const OPENAI_TOKENS_PER_MESSAGE = 3;
/** Tokens that prime the assistant's reply (`<|start|>assistant<|message|>`). */
export const OPENAI_REPLY_PRIMING_TOKENS = 3;

/** Counts of texts at least this long (system prompts, tool definitions) are kept: each request repeats them. */
const MEMO_MIN_CHARS = 256;
const MEMO_MAX_ENTRIES = 512;

/**
 * One encoding, loaded at most once: `ready` once it has loaded, `loadInBackground` to start the
 * load when the event loop is idle, `load` to wait for it. A failed load is tried again on the next ask.
 */
export class TokenizerLoader {
  private counter: TextCounter | undefined;
  private loading: Promise<TextCounter> | undefined;
  private backgroundWait: IdleWait | undefined;
  private readonly memo = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly source: TokenizerSource,
  ) {}

  /** True once the encoding has loaded; never loads. */
  get ready(): boolean {
    return this.counter !== undefined;
  }

  /** The encoding, loading it now if it has not loaded. */
  load(): Promise<TextCounter> {
    this.stopBackgroundWait();
    this.loading ??= this.source.open().then(
      (counter) => (this.counter = counter),
      (err: unknown) => {
        this.loading = undefined;
        throw new Error(`The ${this.name} tokenizer could not be loaded (${errorMessage(err)}).`, { cause: err });
      },
    );
    return this.loading;
  }

  /**
   * Starts the load once the event loop has been idle for a check interval (or after two seconds),
   * i.e. while requests wait for answers: even in a worker the load takes a CPU, which a loaded
   * machine does not have to spare while the run builds requests or applies edits.
   */
  loadInBackground(): void {
    if (this.counter !== undefined || this.loading !== undefined || this.backgroundWait !== undefined) return;
    this.backgroundWait = whenEventLoopIdle(() => void this.load().catch(() => undefined));
  }

  /** Tokens of each text; long texts are remembered, since every turn of a task resends them. */
  async countTexts(texts: readonly string[]): Promise<number[]> {
    const counter = this.counter ?? (await this.load());
    const counts = texts.map((text) => (text === '' ? 0 : this.memo.get(text)));
    const missing = texts.filter((_, i) => counts[i] === undefined);
    const fresh = await counter.countTexts(missing);
    let next = 0;
    return texts.map((text, i) => {
      const known = counts[i];
      if (known !== undefined) return known;
      const tokens = fresh[next++] ?? 0;
      if (text.length >= MEMO_MIN_CHARS) {
        if (this.memo.size >= MEMO_MAX_ENTRIES) this.memo.clear();
        this.memo.set(text, tokens);
      }
      return tokens;
    });
  }

  /**
   * Frees the loaded encoding (its worker thread stops, so a process exits without waiting for it);
   * a later ask loads it again.
   */
  async close(): Promise<void> {
    this.stopBackgroundWait();
    const loading = this.loading;
    this.loading = undefined;
    this.counter = undefined;
    const counter = await loading?.catch(() => undefined);
    await counter?.close();
  }

  private stopBackgroundWait(): void {
    this.backgroundWait?.cancel();
    this.backgroundWait = undefined;
  }
}

/** The loaders of one process; tests make their own to see a tokenizer that has not loaded yet. */
export type OpenAiTokenizers = Readonly<Record<OpenAiEncodingName, TokenizerLoader>>;

// Each stays a literal `require('<module>')` / `require.resolve('<module>')` so the bundler can point it at its own file.
/** The process's tokenizers: an encoding's tables are loaded once (in a worker) and shared by every model and run. */
export const OPENAI_TOKENIZERS: OpenAiTokenizers = {
  o200k_base: new TokenizerLoader(
    'o200k_base',
    workerTokenizer(
      () => require.resolve('gpt-tokenizer/encoding/o200k_base'),
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      () => require('gpt-tokenizer/encoding/o200k_base') as Encoding,
    ),
  ),
  cl100k_base: new TokenizerLoader(
    'cl100k_base',
    workerTokenizer(
      () => require.resolve('gpt-tokenizer/encoding/cl100k_base'),
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      () => require('gpt-tokenizer/encoding/cl100k_base') as Encoding,
    ),
  ),
};

/** Frees every loaded encoding of `tokenizers` (a process about to exit stops their workers early); never rejects. */
export async function closeOpenAiTokenizers(tokenizers: OpenAiTokenizers = OPENAI_TOKENIZERS): Promise<void> {
  await Promise.all(Object.values(tokenizers).map((t) => t.close().catch(() => undefined)));
}

/**
 * The tokenizer of an OpenAI model by its name (`gpt-4o`, `openai/gpt-4.1-mini`, `o3`, `gpt-5`…):
 * o200k for the GPT-4o generation on, cl100k for GPT-4 and GPT-3.5; undefined for any other model
 * (a Llama behind Ollama has a tokenizer of its own, and the estimate is as good as a wrong table).
 */
export function openAiEncodingOf(model: string): OpenAiEncodingName | undefined {
  const name = (model.trim().toLowerCase().split('/').pop() ?? '').split(':')[0] ?? '';
  if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|chatgpt-|o1|o3|o4|codex-)/.test(name)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5)/.test(name)) return 'cl100k_base';
  return undefined;
}

/**
 * The input tokens of a request as the model's tokenizer counts them: each message's text (and
 * tool calls' names and arguments) plus the per-message framing, the reply priming, and the tool
 * definitions and response schema as JSON. Undefined when the model has no known OpenAI tokenizer.
 * Waits for the tokenizer to load if it has not (see `openAiTokenBound` for the answer that does not wait).
 */
export async function countOpenAiRequestTokens(
  model: string,
  request: ChatRequest,
  tokenizers: OpenAiTokenizers = OPENAI_TOKENIZERS,
): Promise<number | undefined> {
  const name = openAiEncodingOf(model);
  if (name === undefined) return undefined;
  const { framing, texts } = requestTexts(request);
  const counts = await tokenizers[name].countTexts(texts);
  return counts.reduce((sum, n) => sum + n, framing);
}

/**
 * An upper bound on the request's input tokens while the model's tokenizer has not loaded, and
 * starts that load in the background; undefined once it has loaded (count exactly: it is quick) or
 * for a model without an OpenAI tokenizer. The bound holds because o200k and cl100k are byte-level
 * BPE: every token stands for at least one byte of UTF-8, so a text has at most as many tokens as bytes.
 */
export function openAiTokenBound(
  model: string,
  request: ChatRequest,
  tokenizers: OpenAiTokenizers = OPENAI_TOKENIZERS,
): number | undefined {
  const name = openAiEncodingOf(model);
  if (name === undefined) return undefined;
  const loader = tokenizers[name];
  if (loader.ready) return undefined;
  loader.loadInBackground();
  const { framing, texts } = requestTexts(request);
  return texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), framing);
}

/**
 * Counts, in the background, the long texts that every request with these parts repeats (a system
 * prompt, tool definitions), so the first exact count of such a request only counts what is new:
 * the first counts in a fresh tokenizer are the slow ones, and they would otherwise hold up the
 * first wave of tasks. Loads the model's tokenizer (in its worker) if it has not loaded; does
 * nothing for a model without an OpenAI tokenizer; never sends anything and never throws.
 */
export function prepareOpenAiCount(
  model: string,
  parts: Pick<ChatRequest, 'system' | 'tools'>,
  tokenizers: OpenAiTokenizers = OPENAI_TOKENIZERS,
): void {
  const name = openAiEncodingOf(model);
  if (name === undefined) return;
  const texts = [parts.system ?? '', ...(parts.tools ?? []).map(toolText)].filter((t) => t.length >= MEMO_MIN_CHARS);
  if (texts.length > 0) void tokenizers[name].countTexts(texts).catch(() => undefined);
}

/** A request in the Chat Completions framing: the tokens the framing adds, and the texts to count. */
function requestTexts(request: ChatRequest): { framing: number; texts: string[] } {
  let framing = OPENAI_REPLY_PRIMING_TOKENS;
  const texts: string[] = [];
  if (request.system !== undefined && request.system !== '') {
    framing += OPENAI_TOKENS_PER_MESSAGE;
    texts.push(request.system);
  }
  for (const m of request.messages) {
    framing += OPENAI_TOKENS_PER_MESSAGE;
    texts.push(m.content);
    if (m.role === 'assistant')
      for (const call of m.toolCalls ?? [])
        texts.push(call.name, call.rawArguments ?? JSON.stringify(call.arguments ?? {}));
  }
  for (const tool of request.tools ?? []) texts.push(toolText(tool));
  if (request.responseFormat !== undefined) texts.push(JSON.stringify(request.responseFormat.schema));
  return { framing, texts };
}

/** The text of each deeply frozen tool spec (every turn of every task sends the same ones), made once. */
const toolTexts = new WeakMap<ToolSpec, string>();

/** A tool definition as the request counts it: its name, description and parameters as JSON. */
function toolText(tool: ToolSpec): string {
  let text = toolTexts.get(tool);
  if (text === undefined) {
    text = JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters });
    if (isDeeplyFrozen(tool)) toolTexts.set(tool, text);
  }
  return text;
}
