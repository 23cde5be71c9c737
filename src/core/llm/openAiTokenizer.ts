// OpenAI's tokenizers (gpt-tokenizer's o200k_base and cl100k_base). Their rank tables are megabytes
// of JavaScript, so each loads on its first count, not when the extension or the CLI starts: the
// bundles keep them in files of their own next to the SDKs (dist/sdk/*.js, see esbuild.mjs).
import { errorMessage } from '../common/errors';
import type { ChatRequest } from './chatModel';

/** The part of a gpt-tokenizer encoding module we use. */
interface Encoding {
  countTokens(text: string): number;
}

/** The tokenizer families of OpenAI's chat models. */
export type OpenAiEncodingName = 'o200k_base' | 'cl100k_base';

// Each stays a literal `require('<module>')` so the bundler can point it at its own file.
const loaders: Record<OpenAiEncodingName, () => Promise<Encoding>> = {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  o200k_base: lazyEncoding('o200k_base', () => require('gpt-tokenizer/encoding/o200k_base') as Encoding),
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cl100k_base: lazyEncoding('cl100k_base', () => require('gpt-tokenizer/encoding/cl100k_base') as Encoding),
};

/** Tokens the Chat Completions format adds around each message (`<|start|>role … <|end|>`). */
export const OPENAI_TOKENS_PER_MESSAGE = 3;
/** Tokens that prime the assistant's reply (`<|start|>assistant<|message|>`). */
export const OPENAI_REPLY_PRIMING_TOKENS = 3;

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
 */
export async function countOpenAiRequestTokens(model: string, request: ChatRequest): Promise<number | undefined> {
  const name = openAiEncodingOf(model);
  if (name === undefined) return undefined;
  const enc = await loaders[name]();
  const count = (text: string): number => (text === '' ? 0 : enc.countTokens(text));
  let tokens = OPENAI_REPLY_PRIMING_TOKENS;
  if (request.system !== undefined && request.system !== '')
    tokens += OPENAI_TOKENS_PER_MESSAGE + count(request.system);
  for (const m of request.messages) {
    tokens += OPENAI_TOKENS_PER_MESSAGE + count(m.content);
    if (m.role === 'assistant')
      for (const call of m.toolCalls ?? [])
        tokens += count(call.name) + count(call.rawArguments ?? JSON.stringify(call.arguments ?? {}));
  }
  for (const tool of request.tools ?? [])
    tokens += count(JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters }));
  if (request.responseFormat !== undefined) tokens += count(JSON.stringify(request.responseFormat.schema));
  return tokens;
}

/** A loader that requires an encoding on its first call and keeps it; a failed load is tried again next time. */
function lazyEncoding(name: string, load: () => Encoding): () => Promise<Encoding> {
  let loaded: Promise<Encoding> | undefined;
  return () => {
    loaded ??= new Promise<Encoding>((resolve) => resolve(load())).catch((err: unknown) => {
      loaded = undefined;
      throw new Error(`The ${name} tokenizer could not be loaded (${errorMessage(err)}).`, { cause: err });
    });
    return loaded;
  };
}
