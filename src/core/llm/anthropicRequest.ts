import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, ChatRequest, ToolChoice } from './chatModel';

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * The Messages API body for a request. With `promptCaching`, the system prompt block and the last
 * tool definition carry `cache_control: ephemeral`: tools and system prompt are the stable prefix
 * an agent resends every turn, and a breakpoint on the last tool caches every tool before it.
 * Structured output goes through `output_config.format` (models without it need a forced tool).
 * `temperature` is not sent: the Messages API of this SDK has no sampling parameters, and current
 * Claude models answer 400 to non-default ones.
 */
export function toAnthropicParams(
  request: ChatRequest,
  target: { provider: string; model: string; promptCaching: boolean },
): MessageCreateParamsStreaming {
  const { model, promptCaching } = target;
  const params: MessageCreateParamsStreaming = {
    model,
    max_tokens: request.maxOutputTokens,
    messages: toAnthropicMessages(request.messages, target),
    stream: true,
  };
  if (request.system !== undefined && request.system !== '') {
    params.system = [{ type: 'text', text: request.system, ...(promptCaching ? { cache_control: EPHEMERAL } : {}) }];
  }
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    params.tools = tools.map((t, i): Tool => ({
      name: t.name,
      description: t.description,
      input_schema: t.parameters as Tool.InputSchema,
      ...(t.strict === undefined ? {} : { strict: t.strict }),
      ...(promptCaching && i === tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    }));
  }
  if (request.toolChoice !== undefined && tools.length > 0) params.tool_choice = toToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined)
    params.output_config = { format: { type: 'json_schema', schema: request.responseFormat.schema } };
  return params;
}

function toToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  return { type: 'tool', name: choice.name };
}

/**
 * Our turns as Anthropic turns: tool results become `tool_result` blocks of a user turn, tool
 * calls become `tool_use` blocks of the assistant turn, and consecutive turns of one role are
 * merged, because the API wants user and assistant to alternate and every turn to be non-empty.
 * An assistant turn that carries a replay from the same provider and model is sent back verbatim
 * (its thinking blocks included); from another model it is rebuilt, since thinking is model-bound.
 */
export function toAnthropicMessages(
  messages: readonly ChatMessage[],
  target: { provider: string; model: string },
): MessageParam[] {
  const out: Array<{ role: 'user' | 'assistant'; content: ContentBlockParam[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]): void => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'user') {
      push('user', m.content === '' ? [] : [{ type: 'text', text: m.content }]);
    } else if (m.role === 'tool') {
      push('user', [
        {
          type: 'tool_result',
          tool_use_id: m.toolCallId,
          content: m.content,
          ...(m.isError ? { is_error: true } : {}),
        },
      ]);
    } else if (m.replay !== undefined && m.replay.provider === target.provider && m.replay.model === target.model) {
      push('assistant', m.replay.blocks as ContentBlockParam[]);
    } else {
      const blocks: ContentBlockParam[] = m.content === '' ? [] : [{ type: 'text', text: m.content }];
      for (const c of m.toolCalls ?? []) {
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: isPlainObject(c.arguments) ? c.arguments : {} });
      }
      push('assistant', blocks);
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
