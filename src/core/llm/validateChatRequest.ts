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

/** Throws a `TypeError` naming every bad field when `request` is not a well-formed `ChatRequest`. */
export function validateChatRequest(request: ChatRequest): void {
  const parsed = requestSchema.safeParse(request);
  if (parsed.success) return;
  const details = parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ');
  throw new TypeError(`Invalid chat request: ${details}.`);
}
