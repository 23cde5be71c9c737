import { createHash } from 'node:crypto';
import { z } from 'zod';
import { errorMessage } from '../common/errors';
import { toJsonValue } from '../context/jsonCopy';
import { ContextScopeSchema } from '../model/runEvents';
import { checkToolPolicy } from './checkToolPolicy';
import type { ToolContext } from './toolContext';
import { defineTool } from './toolDefinition';
import type { ToolDefinition } from './toolDefinition';
import { errorResult, textResult } from './toolResults';
import { lazySchema } from '../common/lazySchema';

/** Characters of JSON shown for one value or message body before it is cut. */
const MAX_SHOWN_JSON = 8000;
/** Characters of all messages shown by one read_messages call. */
const MAX_MESSAGES_TEXT = 40_000;

/** A JSON value as a model-facing schema: any JSON, kept flat (no recursive `$ref`) for every provider. */
const AnyJson = lazySchema(() =>
  z.unknown().refine((v) => v !== undefined, 'a value is required (use null for "no value")'),
);

const ContextGetArgs = lazySchema(() =>
  z.strictObject({ key: z.string().min(1).max(256).describe('The key to read.') }),
);
const ContextSetArgs = lazySchema(() =>
  z.strictObject({
    key: z.string().min(1).max(256).describe('The key to write.'),
    value: AnyJson.describe('Any JSON value.'),
    scope: ContextScopeSchema.optional().describe(
      '"shared" (default, every agent), "private" (only you) or "temporary" (every agent, until ttlSeconds pass).',
    ),
    ttlSeconds: z
      .number()
      .positive()
      .max(7 * 24 * 3600)
      .optional()
      .describe('Lifetime of a temporary entry; implies scope "temporary".'),
  }),
);
const SendMessageArgs = lazySchema(() =>
  z.strictObject({
    to: z.string().min(1).describe('The receiving agent\'s id, or "*" for every agent.'),
    topic: z.string().min(1).max(200).describe('What the message is about, e.g. "api-shape".'),
    body: AnyJson.describe('Any JSON value.'),
  }),
);
const ReadMessagesArgs = lazySchema(() =>
  z.strictObject({
    topic: z.string().min(1).optional().describe('Only messages with this topic; others stay waiting.'),
  }),
);

/** JSON text of a value, cut to a readable size. */
function showJson(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > MAX_SHOWN_JSON
    ? `${text.slice(0, MAX_SHOWN_JSON)}… [cut at ${MAX_SHOWN_JSON} characters]`
    : text;
}

/** context_get: what this agent sees under a key of the run's shared context. */
export const contextGetTool = defineTool<ToolContext, typeof ContextGetArgs>({
  name: 'context_get',
  description: "Read a value from the run's shared context (your private entry first, then temporary, then shared).",
  parameters: ContextGetArgs,
  async run(args, ctx) {
    const refused = await checkToolPolicy(ctx, 'context_get');
    if (refused) return refused;
    const value = ctx.task.context.get(args.key);
    if (value !== undefined) return textResult(showJson(value));
    const keys = ctx.task.context.keys();
    return textResult(
      `Nothing is stored under "${args.key}". ${keys.length === 0 ? 'The context is empty.' : `Keys you can read: ${keys.slice(0, 50).join(', ')}.`}`,
    );
  },
});

/** context_set: stores a JSON value for other agents (or privately, or for a while). */
export const contextSetTool = defineTool<ToolContext, typeof ContextSetArgs>({
  name: 'context_set',
  description: "Store a JSON value in the run's shared context for other agents (or privately, or temporarily).",
  parameters: ContextSetArgs,
  async run(args, ctx) {
    const refused = await checkToolPolicy(ctx, 'context_set');
    if (refused) return refused;
    const scope = args.scope ?? (args.ttlSeconds === undefined ? 'shared' : 'temporary');
    if (scope === 'temporary' && args.ttlSeconds === undefined)
      return errorResult('A temporary entry needs ttlSeconds.');
    if (scope !== 'temporary' && args.ttlSeconds !== undefined)
      return errorResult(`ttlSeconds only applies to scope "temporary", not "${scope}".`);
    // Validation errors (an oversized value) throw; the tool bus hands their message to the model.
    ctx.task.context.set(args.key, toJsonValue(args.value, `context value "${args.key}"`), {
      scope,
      ...(args.ttlSeconds === undefined ? {} : { ttlMs: Math.round(args.ttlSeconds * 1000) }),
    });
    return textResult(`Stored "${args.key}" (${scope}).`);
  },
});

/** send_message: one message to another agent; an identical message is sent once per task, also across crashes. */
export const sendMessageTool = defineTool<ToolContext, typeof SendMessageArgs>({
  name: 'send_message',
  description: 'Send a message to another agent (by id) or to every agent ("*"). They read it with read_messages.',
  parameters: SendMessageArgs,
  async run(args, ctx) {
    const refused = await checkToolPolicy(ctx, 'send_message');
    if (refused) return refused;
    let body;
    try {
      body = toJsonValue(args.body, 'message body');
    } catch (err) {
      return errorResult(errorMessage(err));
    }
    const digest = createHash('sha256')
      .update(JSON.stringify([args.to, args.topic, body]))
      .digest('hex')
      .slice(0, 16);
    // A full inbox throws before the step completes, so a later retry can still send.
    const id = await ctx.task.step(`message:${digest}`, async () => ctx.task.messages.send(args.to, args.topic, body));
    return textResult(`Sent message ${String(id)} to ${args.to} about "${args.topic}".`);
  },
});

/** read_messages: takes this agent's waiting messages, oldest first. */
export const readMessagesTool = defineTool<ToolContext, typeof ReadMessagesArgs>({
  name: 'read_messages',
  description: 'Read (and take) the messages other agents sent you, oldest first, optionally only one topic.',
  parameters: ReadMessagesArgs,
  async run(args, ctx) {
    const refused = await checkToolPolicy(ctx, 'read_messages');
    if (refused) return refused;
    const messages = ctx.task.messages.receive(args.topic);
    if (messages.length === 0)
      return textResult(
        args.topic === undefined ? 'No messages are waiting.' : `No messages about "${args.topic}" are waiting.`,
      );
    const out: string[] = [];
    let size = 0;
    for (const [i, m] of messages.entries()) {
      const line = `[${m.id}] from ${m.from} about "${m.topic}": ${showJson(m.body)}`;
      if (size + line.length > MAX_MESSAGES_TEXT && out.length > 0) {
        out.push(
          `[${messages.length - i} more message(s) could not be shown; ask their senders to resend them shorter]`,
        );
        break;
      }
      out.push(line);
      size += line.length + 1;
    }
    return textResult(out.join('\n'));
  },
});

/** The shared-context and messaging tools. */
export function contextTools(): ToolDefinition<ToolContext>[] {
  return [contextGetTool, contextSetTool, sendMessageTool, readMessagesTool];
}
