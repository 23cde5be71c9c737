import { z } from 'zod';
import { lazySchema } from '../common/lazySchema';
import type { ChatRequest } from './chatModel';

// Both OpenAI and Anthropic reject other tool names; saying so here beats a provider's 400.
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A JSON object, checked without copying it: a tool's schema is sent on every turn, and a record
 * parse would walk and copy all of it each time.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema of a request, built on first use (see lazySchema). */
function buildRequestSchema() {
  const toolCallSchema = z.object({
    id: z.string().min(1),
    name: z.string().regex(TOOL_NAME, 'a tool name is 1-64 letters, digits, "_" or "-"'),
    arguments: z.unknown(),
    rawArguments: z.string().optional(),
  });

  const messageSchema = z.discriminatedUnion('role', [
    z.object({ role: z.literal('user'), content: z.string() }),
    z.object({
      role: z.literal('assistant'),
      content: z.string(),
      toolCalls: z.array(toolCallSchema).optional(),
      replay: z.object({ provider: z.string(), model: z.string(), blocks: z.array(z.unknown()) }).optional(),
    }),
    z.object({
      role: z.literal('tool'),
      toolCallId: z.string().min(1),
      content: z.string(),
      isError: z.boolean().optional(),
    }),
  ]);

  return z
    .object({
      system: z.string().optional(),
      messages: z.array(messageSchema).min(1, 'a request needs at least one message'),
      tools: z
        .array(
          z.object({
            name: z.string().regex(TOOL_NAME, 'a tool name is 1-64 letters, digits, "_" or "-"'),
            description: z.string(),
            parameters: z.custom<Record<string, unknown>>(
              (s) => isPlainObject(s) && s['type'] === 'object',
              'parameters must be a JSON schema with type "object"',
            ),
            strict: z.boolean().optional(),
          }),
        )
        .optional(),
      toolChoice: z.union([z.literal('auto'), z.literal('required'), z.object({ name: z.string().min(1) })]).optional(),
      maxOutputTokens: z.number().int().positive(),
      temperature: z.number().min(0).max(2).optional(),
      seed: z.number().int().optional(),
      responseFormat: z
        .object({
          type: z.literal('json_schema'),
          name: z.string().regex(TOOL_NAME, 'a schema name is 1-64 letters, digits, "_" or "-"'),
          schema: z.custom<Record<string, unknown>>(isPlainObject, 'schema must be a JSON schema object'),
          strict: z.boolean().optional(),
        })
        .optional(),
    })
    .superRefine((req, ctx) => {
      const names = new Set((req.tools ?? []).map((t) => t.name));
      if (names.size !== (req.tools ?? []).length)
        ctx.addIssue({ code: 'custom', path: ['tools'], message: 'tool names must be unique' });
      if (req.toolChoice === 'required' && names.size === 0) {
        ctx.addIssue({ code: 'custom', path: ['toolChoice'], message: '"required" needs at least one tool' });
      }
      if (typeof req.toolChoice === 'object' && !names.has(req.toolChoice.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['toolChoice'],
          message: `no tool named "${req.toolChoice.name}" is offered`,
        });
      }
    });
}

const requestSchema = lazySchema(buildRequestSchema);

/**
 * Throws a `TypeError` naming every bad field when `request` is not a well-formed `ChatRequest`.
 * A request is checked on every turn (by the metered call and again by the model), so a plainly
 * valid one passes a plain check; anything else goes to the schema, which names what is wrong.
 */
export function validateChatRequest(request: ChatRequest): void {
  if (isPlainlyValidChatRequest(request)) return;
  const problems = chatRequestProblems(request);
  if (problems !== undefined) throw new TypeError(`Invalid chat request: ${problems}.`);
}

/** What the schema finds wrong with `request` (every bad field), or undefined when it is well formed. */
export function chatRequestProblems(request: unknown): string | undefined {
  const parsed = requestSchema.safeParse(request);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
}

/**
 * True only for a request the schema accepts, checked field by field without zod; false means
 * "ask the schema", never "invalid" (test/unit/llm/validateChatRequest.test.ts holds the two to the same verdicts).
 */
export function isPlainlyValidChatRequest(request: unknown): boolean {
  if (!isPlainObject(request)) return false;
  const r = request;
  if (r['system'] !== undefined && typeof r['system'] !== 'string') return false;
  const messages = r['messages'];
  if (!Array.isArray(messages) || messages.length === 0 || !messages.every(isPlainMessage)) return false;
  const names = new Set<string>();
  const tools = r['tools'];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return false;
    for (const tool of tools as unknown[]) {
      if (!isPlainObject(tool) || !isName(tool['name']) || typeof tool['description'] !== 'string') return false;
      const parameters = tool['parameters'];
      if (!isPlainObject(parameters) || parameters['type'] !== 'object' || !isOptionalBoolean(tool['strict']))
        return false;
      if (names.has(tool['name'])) return false;
      names.add(tool['name']);
    }
  }
  const choice = r['toolChoice'];
  if (choice === 'required') {
    if (names.size === 0) return false;
  } else if (choice !== undefined && choice !== 'auto') {
    if (!isPlainObject(choice) || typeof choice['name'] !== 'string' || !names.has(choice['name'])) return false;
  }
  const max = r['maxOutputTokens'];
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max <= 0) return false;
  const temperature = r['temperature'];
  if (temperature !== undefined && (typeof temperature !== 'number' || !(temperature >= 0 && temperature <= 2)))
    return false;
  const seed = r['seed'];
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) return false;
  const format = r['responseFormat'];
  if (format !== undefined) {
    if (!isPlainObject(format) || format['type'] !== 'json_schema' || !isName(format['name'])) return false;
    if (!isPlainObject(format['schema']) || !isOptionalBoolean(format['strict'])) return false;
  }
  return true;
}

function isPlainMessage(message: unknown): boolean {
  if (!isPlainObject(message) || typeof message['content'] !== 'string') return false;
  switch (message['role']) {
    case 'user':
      return true;
    case 'tool':
      return isFilled(message['toolCallId']) && isOptionalBoolean(message['isError']);
    case 'assistant': {
      const calls = message['toolCalls'];
      if (calls !== undefined && (!Array.isArray(calls) || !calls.every(isPlainToolCall))) return false;
      const replay = message['replay'];
      return (
        replay === undefined ||
        (isPlainObject(replay) &&
          typeof replay['provider'] === 'string' &&
          typeof replay['model'] === 'string' &&
          Array.isArray(replay['blocks']))
      );
    }
    default:
      return false;
  }
}

function isPlainToolCall(call: unknown): boolean {
  return (
    isPlainObject(call) &&
    isFilled(call['id']) &&
    isName(call['name']) &&
    // The schema wants the key, even when its value is undefined.
    'arguments' in call &&
    (call['rawArguments'] === undefined || typeof call['rawArguments'] === 'string')
  );
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && TOOL_NAME.test(value);
}

function isFilled(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function isOptionalBoolean(value: unknown): boolean {
  return value === undefined || typeof value === 'boolean';
}
