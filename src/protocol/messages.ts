// The two directions of the panel protocol, and the one parser every incoming message goes through.
import * as z from 'zod';
import { ApprovalDecisionMessageSchema, ApprovalPendingMessageSchema, OpenDiffMessageSchema } from './approvals';
import {
  EventMessageSchema,
  ReadyMessageSchema,
  RunListMessageSchema,
  SelectRunMessageSchema,
  SnapshotMessageSchema,
} from './panelLifecycle';
import {
  HunkDecisionMessageSchema,
  OpenReviewDiffMessageSchema,
  ReviewMessageSchema,
  ReviewRequestMessageSchema,
  RevertFileMessageSchema,
} from './review';
import { TaskActionMessageSchema } from './taskActions';
import { OpenEditMessageSchema } from './taskDetails';
import {
  PlanDiscardMessageSchema,
  PlanEditMessageSchema,
  PlanIssuesMessageSchema,
  PlanOpenJsonMessageSchema,
  PlanReviewEndedMessageSchema,
  PlanReviewMessageSchema,
  PlanRunMessageSchema,
} from './planReview';
import { TimelineMessageSchema } from './timeline';
import { AgentsMessageSchema, OpenAgentFileMessageSchema } from './agents';
import { lazySchema } from './lazySchema';

/** Every message the webview may send. None names a command, a URI or a path to act on. */
export const WebviewMessageSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    ReadyMessageSchema,
    SelectRunMessageSchema,
    ApprovalDecisionMessageSchema,
    OpenDiffMessageSchema,
    TaskActionMessageSchema,
    OpenEditMessageSchema,
    PlanEditMessageSchema,
    PlanRunMessageSchema,
    PlanDiscardMessageSchema,
    PlanOpenJsonMessageSchema,
    ReviewRequestMessageSchema,
    HunkDecisionMessageSchema,
    RevertFileMessageSchema,
    OpenReviewDiffMessageSchema,
    OpenAgentFileMessageSchema,
  ]),
);
export type WebviewMessage = z.infer<typeof WebviewMessageSchema>;

/** Every message the host may send. */
export const HostMessageSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    SnapshotMessageSchema,
    EventMessageSchema,
    RunListMessageSchema,
    ApprovalPendingMessageSchema,
    PlanReviewMessageSchema,
    PlanIssuesMessageSchema,
    PlanReviewEndedMessageSchema,
    ReviewMessageSchema,
    TimelineMessageSchema,
    AgentsMessageSchema,
  ]),
);
export type HostMessage = z.infer<typeof HostMessageSchema>;

/** A parsed message, or why it was refused. */
export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

/** Larger messages are refused before parsing; no legitimate webview message comes close. */
const MAX_WEBVIEW_MESSAGE_CHARS = 16_384;

/** The message types each side may send, read from the schemas on first use (the schemas are built lazily). */
let messageTypes: { webview: ReadonlySet<string>; host: ReadonlySet<string> } | undefined;

function knownTypes(): NonNullable<typeof messageTypes> {
  return (messageTypes ??= {
    webview: new Set(WebviewMessageSchema.options.map((o) => o.shape.type.value)),
    host: new Set(HostMessageSchema.options.map((o) => o.shape.type.value)),
  });
}

/** Checks a message from the webview against the protocol; anything else is refused with a reason. */
export function parseWebviewMessage(raw: unknown): ParseResult<WebviewMessage> {
  let size: number;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { ok: false, reason: 'the message is not plain JSON data' };
  }
  if (size > MAX_WEBVIEW_MESSAGE_CHARS) {
    return {
      ok: false,
      reason: `the message has ${size} characters; at most ${MAX_WEBVIEW_MESSAGE_CHARS} are accepted`,
    };
  }
  return parseWith(WebviewMessageSchema, knownTypes().webview, raw);
}

/** Checks a message from the host; the webview drops whatever fails. */
export function parseHostMessage(raw: unknown): ParseResult<HostMessage> {
  return parseWith(HostMessageSchema, knownTypes().host, raw);
}

function parseWith<T>(schema: z.ZodType<T>, types: ReadonlySet<string>, raw: unknown): ParseResult<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'a message must be an object with a "type"' };
  }
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !types.has(type)) {
    return { ok: false, reason: `unknown message type ${JSON.stringify(type ?? null)?.slice(0, 80)}` };
  }
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  return { ok: false, reason: `"${type}" message refused: ${describeIssues(result.error)}` };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'message';
      if (issue.code === 'unrecognized_keys') return `unexpected field(s) ${issue.keys.join(', ')}`;
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
