import { abortReason } from '../../core/common/clock';
import type {
  ChatCallOptions,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ChatUsage,
  ToolCall,
} from '../../core/llm/chatModel';
import { ListenerFailure } from '../../core/llm/listenerFailure';
import { estimateOutputTokens, estimateRequestTokens } from '../../core/llm/tokenEstimate';
import { validateChatRequest } from '../../core/llm/validateChatRequest';
import { lmFailure, notAvailable } from './vscodeLmErrors';
import type { LmApi, LmCancellationToken, LmChat, LmMessage, LmPart, LmRequestOptions } from './vscodeLmPort';

/** The provider id of models that come from VS Code (`vscode.lm`). */
export const VSCODE_LM_PROVIDER_ID = 'vscode-lm';

/** The model name that means "the first chat model VS Code offers". */
export const VSCODE_LM_ANY_MODEL = 'auto';

/** Shown in VS Code's consent dialog. */
const JUSTIFICATION = 'Agent Orchestrator runs the planner and agents of the run you started with this model.';

/**
 * A `ChatModel` over one of VS Code's chat models (GitHub Copilot and any other `vscode.lm`
 * provider), chosen by id (or family; `auto` takes the first offered). VS Code reports no usage,
 * so tokens are counted with the model's own `countTokens`; VS Code has no prices either, so
 * the cost is unknown and only a token budget holds.
 */
export class VscodeLmChatModel implements ChatModel {
  readonly provider = VSCODE_LM_PROVIDER_ID;
  private chat: Promise<LmChat> | undefined;
  private readonly inputCounts = new WeakMap<ChatRequest, Promise<number>>();

  constructor(
    private readonly lm: LmApi,
    readonly model: string,
  ) {
    if (!model.trim())
      throw new TypeError(`No model name for ${VSCODE_LM_PROVIDER_ID}: set a VS Code model id, or "auto".`);
  }

  private get who(): string {
    return `${VSCODE_LM_PROVIDER_ID} model "${this.model}"`;
  }

  /** The VS Code model, selected on first use; a failed selection is tried again next time. */
  private selected(): Promise<LmChat> {
    this.chat ??= selectModel(this.lm, this.model, this.who);
    this.chat.catch(() => (this.chat = undefined));
    return this.chat;
  }

  /** The request's input tokens by the model's own `countTokens`. */
  async countTokens(request: ChatRequest, signal: AbortSignal): Promise<number> {
    const chat = await this.selected();
    return this.withCancellation(signal, (token) => this.countInput(chat, request, token));
  }

  /** Streams the request and resolves with the whole answer once the stream has finished. */
  async complete(request: ChatRequest, options: ChatCallOptions): Promise<ChatResponse> {
    validateChatRequest(request);
    const { signal, onText } = options;
    if (signal.aborted) throw abortReason(signal);
    let midStream = false;
    try {
      const chat = await this.selected();
      return await this.withCancellation(signal, async (token) => {
        const response = await chat.sendRequest(toMessages(request), toOptions(request), token);
        midStream = true;
        let text = '';
        const toolCalls: ToolCall[] = [];
        for await (const part of response.stream) {
          if (signal.aborted) break;
          if (part.kind === 'text' && part.value !== '') {
            text += part.value;
            try {
              onText?.(part.value);
            } catch (err) {
              throw new ListenerFailure(err);
            }
          } else if (part.kind === 'toolCall') {
            const rawArguments = JSON.stringify(part.input);
            toolCalls.push({ id: part.callId, name: part.name, arguments: part.input, rawArguments });
          }
        }
        // A cancelled stream may just end: that is a cancel, not an answer.
        if (signal.aborted) throw abortReason(signal);
        const usage = await this.usageOf(chat, request, text, toolCalls, token);
        return { text, toolCalls, stopReason: toolCalls.length > 0 ? 'tool_use' : 'end', usage };
      });
    } catch (err) {
      if (err instanceof ListenerFailure) throw err.error;
      throw lmFailure(err, { who: this.who, signal, midStream });
    }
  }

  /** Runs `work` with a VS Code cancellation token that is cancelled when `signal` aborts. */
  private async withCancellation<T>(signal: AbortSignal, work: (token: LmCancellationToken) => Promise<T>): Promise<T> {
    const source = this.lm.createCancellation();
    const cancel = (): void => source.cancel();
    if (signal.aborted) source.cancel();
    else signal.addEventListener('abort', cancel, { once: true });
    try {
      return await work(source.token);
    } finally {
      signal.removeEventListener('abort', cancel);
      source.dispose();
    }
  }

  private countInput(chat: LmChat, request: ChatRequest, token: LmCancellationToken): Promise<number> {
    let count = this.inputCounts.get(request);
    if (count === undefined) {
      count = countAll(chat, toMessages(request), toOptions(request).tools, token);
      this.inputCounts.set(request, count);
      count.catch(() => this.inputCounts.delete(request));
    }
    return count;
  }

  /** Tokens by the model's counter; the chars/4 estimate, marked so, when counting fails. */
  private async usageOf(
    chat: LmChat,
    request: ChatRequest,
    text: string,
    toolCalls: ToolCall[],
    token: LmCancellationToken,
  ): Promise<ChatUsage> {
    try {
      const inputTokens = await this.countInput(chat, request, token);
      const written = text + toolCalls.map((c) => `${c.name}${c.rawArguments}`).join('');
      const outputTokens = written === '' ? 0 : await chat.countTokens(written, token);
      return { inputTokens, outputTokens, costUsd: 0 };
    } catch {
      return {
        inputTokens: estimateRequestTokens(request),
        outputTokens: estimateOutputTokens(text, toolCalls),
        costUsd: 0,
        estimated: true,
      };
    }
  }
}

/** The model named `model`: by id first, then by family; `auto` is the first one offered. */
async function selectModel(lm: LmApi, model: string, who: string): Promise<LmChat> {
  const any = model === VSCODE_LM_ANY_MODEL;
  let found = any ? await lm.selectChatModels() : await lm.selectChatModels({ id: model });
  if (found.length === 0 && !any) found = await lm.selectChatModels({ family: model });
  const chat = found[0];
  if (chat === undefined) throw notAvailable(who);
  return chat;
}

async function countAll(
  chat: LmChat,
  messages: LmMessage[],
  tools: LmRequestOptions['tools'],
  token: LmCancellationToken,
): Promise<number> {
  const counts = await Promise.all([
    ...messages.map((m) => chat.countTokens(m, token)),
    ...(tools === undefined || tools.length === 0 ? [] : [chat.countTokens(JSON.stringify(tools), token)]),
  ]);
  return Math.max(
    1,
    counts.reduce((a, b) => a + b, 0),
  );
}

/**
 * The conversation in VS Code's two roles: the system prompt (and any JSON format asked for) as a
 * first user message, and the tool results of a turn together in one user message.
 */
export function toMessages(request: ChatRequest): LmMessage[] {
  const out: LmMessage[] = [];
  const system = [request.system ?? '', formatInstruction(request)].filter((s) => s !== '').join('\n\n');
  if (system !== '') out.push({ role: 'user', parts: [{ kind: 'text', value: system }] });
  for (const m of request.messages) {
    if (m.role === 'user') {
      out.push({ role: 'user', parts: [{ kind: 'text', value: m.content }] });
    } else if (m.role === 'assistant') {
      const parts: LmPart[] = m.content === '' ? [] : [{ kind: 'text', value: m.content }];
      for (const c of m.toolCalls ?? [])
        parts.push({ kind: 'toolCall', callId: c.id, name: c.name, input: asObject(c) });
      // VS Code takes no message without content: an empty turn stays an empty text.
      out.push({ role: 'assistant', parts: parts.length > 0 ? parts : [{ kind: 'text', value: '' }] });
    } else {
      const part: LmPart = {
        kind: 'toolResult',
        callId: m.toolCallId,
        content: m.isError ? `Error: ${m.content}` : m.content,
      };
      const last = out.at(-1);
      if (last?.role === 'user' && last.parts.every((p) => p.kind === 'toolResult')) last.parts.push(part);
      else out.push({ role: 'user', parts: [part] });
    }
  }
  return out;
}

/** Tools as `vscode.LanguageModelChatTool`s; a named tool choice sends only that tool, as required. */
export function toOptions(request: ChatRequest): LmRequestOptions {
  const options: LmRequestOptions = { justification: JUSTIFICATION };
  const choice = request.toolChoice;
  const tools = (request.tools ?? []).filter((t) => typeof choice !== 'object' || t.name === choice.name);
  if (tools.length === 0) return options;
  options.tools = tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.parameters }));
  options.toolMode = choice === undefined || choice === 'auto' ? 'auto' : 'required';
  return options;
}

/** VS Code's chat API has no structured output: the schema goes into the prompt instead. */
function formatInstruction(request: ChatRequest): string {
  const format = request.responseFormat;
  if (format === undefined) return '';
  return `Answer with one JSON value only, no prose and no code fence, matching this JSON schema (${format.name}):\n${JSON.stringify(format.schema)}`;
}

function asObject(call: { arguments: unknown; rawArguments?: string }): object {
  const value = call.arguments;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}
