import { toDisposable, type DisposableLike } from '../common/disposable';
import { errorMessage } from '../common/errors';
import { newId } from '../common/ids';
import type { RunEventBody } from '../model/runEvents';
import type { MessageRecord } from '../model/runState';
import { cloneJson, toJsonValue } from './jsonCopy';

/** Address that reaches every other agent the bus knows. */
export const BROADCAST = '*';

/** Messages an inbox holds before sends to it are refused; a full inbox means its agent is not reading. */
export const DEFAULT_INBOX_LIMIT = 1000;

/** One agent-to-agent message, as the run state records it while it is unread. */
export type AgentMessage = MessageRecord;

/** What a sender supplies. */
export type OutgoingMessage = Omit<AgentMessage, 'id'>;

/** Filters for reading an inbox. */
export interface InboxFilter {
  /** Only messages with this topic; others stay in the inbox. */
  topic?: string;
}

/**
 * Agent-to-agent messages within a run. Each agent has a FIFO inbox; a broadcast goes to every
 * agent the bus knows (registered, or that has used the bus) except its sender. Listeners are
 * told of each delivery, but the message stays in the inbox until `receive` drains it. Sends and
 * reads are run events (`message.sent` with its recipients, `message.read`), so a resumed run
 * rebuilds the unread inboxes with `restore`.
 */
export class MessageBus {
  private readonly inboxes = new Map<string, AgentMessage[]>();
  private readonly listeners = new Map<string, Set<(m: AgentMessage) => void>>();
  private readonly inboxLimit: number;

  constructor(
    private readonly emit: (body: RunEventBody) => void,
    private readonly idGen: () => string = () => newId('msg'),
    options: { inboxLimit?: number } = {},
  ) {
    const limit = options.inboxLimit ?? DEFAULT_INBOX_LIMIT;
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`inboxLimit must be an integer of at least 1, got ${limit}.`);
    this.inboxLimit = limit;
  }

  /** Makes an agent known, so broadcasts reach it before it has used the bus. */
  register(agentId: string): void {
    this.inbox(agentId);
  }

  /** Delivers a copy of the message to its recipient(s) and returns its id; refuses it whole if any inbox is full. */
  send(message: OutgoingMessage): string {
    const { from, to, topic } = message ?? ({} as Partial<OutgoingMessage>);
    requireName(from, 'from', 'the sending agent id');
    requireName(to, 'to', `an agent id or "${BROADCAST}"`);
    requireName(topic, 'topic', 'a topic such as "review-request"');
    const body = toJsonValue(message.body, `body of message "${topic}" from "${from}"`);
    this.inbox(from);
    const recipients = to === BROADCAST ? [...this.inboxes.keys()].filter((id) => id !== from) : [to];
    for (const id of recipients) {
      const size = this.inbox(id).length;
      if (size >= this.inboxLimit) {
        throw new Error(
          `Message "${topic}" from "${from}" was not sent: the inbox of "${id}" is full (${size} unread). ` +
            `"${id}" must receive its messages before more can be sent to it.`,
        );
      }
    }
    const msg: AgentMessage = { id: this.idGen(), from, to, topic, body };
    for (const id of recipients) this.inbox(id).push(copyMessage(msg));
    this.emit({ type: 'message.sent', id: msg.id, from, to, topic, body: cloneJson(body), recipients });
    for (const id of recipients) this.notify(id, msg);
    return msg.id;
  }

  /** Takes the agent's messages (matching `filter`) out of its inbox, oldest first. */
  receive(agentId: string, filter: InboxFilter = {}): AgentMessage[] {
    const inbox = this.inbox(agentId);
    const taken: AgentMessage[] = [];
    const kept: AgentMessage[] = [];
    for (const m of inbox) (matches(m, filter) ? taken : kept).push(m);
    inbox.splice(0, inbox.length, ...kept);
    this.recordRead(agentId, taken);
    return taken;
  }

  /** Takes the messages with these ids out of the agent's inbox (those still there); returns how many. */
  markRead(agentId: string, ids: readonly string[]): number {
    const inbox = this.inbox(agentId);
    const wanted = new Set(ids);
    const taken = inbox.filter((m) => wanted.has(m.id));
    if (taken.length === 0) return 0;
    inbox.splice(0, inbox.length, ...inbox.filter((m) => !wanted.has(m.id)));
    this.recordRead(agentId, taken);
    return taken.length;
  }

  /**
   * Replaces every inbox with the unread messages of a recovered run (copies); emits nothing, since
   * they are already in its log. Agents with an inbox, even an empty one, count as known again.
   */
  restore(inboxes: Readonly<Record<string, readonly AgentMessage[]>>): void {
    const restored = new Map<string, AgentMessage[]>();
    for (const [agentId, messages] of Object.entries(inboxes)) {
      requireName(agentId, 'agentId', 'an agent id');
      restored.set(agentId, messages.map(copyMessage));
    }
    this.inboxes.clear();
    for (const [agentId, messages] of restored) this.inboxes.set(agentId, messages);
  }

  /** The agent's messages (matching `filter`), oldest first, left in the inbox (copies). */
  peek(agentId: string, filter: InboxFilter = {}): AgentMessage[] {
    const inbox = this.inbox(agentId);
    // Every attempt peeks; most inboxes are empty.
    if (inbox.length === 0) return [];
    return inbox.filter((m) => matches(m, filter)).map((m) => copyMessage(m));
  }

  /** Calls `listener` with a copy of each message delivered to `agentId` from now on. */
  onMessage(agentId: string, listener: (message: AgentMessage) => void): DisposableLike {
    this.inbox(agentId);
    let set = this.listeners.get(agentId);
    if (!set) this.listeners.set(agentId, (set = new Set()));
    const own = set;
    // Wrapped so subscribing the same function twice gives two independent subscriptions.
    const wrapped = (m: AgentMessage): void => listener(m);
    own.add(wrapped);
    return toDisposable(() => own.delete(wrapped));
  }

  private inbox(agentId: string): AgentMessage[] {
    requireName(agentId, 'agentId', 'an agent id');
    if (agentId === BROADCAST) throw new TypeError(`"${BROADCAST}" is the broadcast address, not an agent id.`);
    let inbox = this.inboxes.get(agentId);
    if (!inbox) this.inboxes.set(agentId, (inbox = []));
    return inbox;
  }

  private recordRead(agentId: string, taken: readonly AgentMessage[]): void {
    if (taken.length > 0) this.emit({ type: 'message.read', agentId, ids: taken.map((m) => m.id) });
  }

  private notify(agentId: string, msg: AgentMessage): void {
    for (const listener of [...(this.listeners.get(agentId) ?? [])]) {
      try {
        listener(copyMessage(msg));
      } catch (err) {
        // One broken listener must not stop delivery to the others; make it visible instead.
        this.emit({
          type: 'log',
          level: 'warn',
          message: `A message listener of agent "${agentId}" threw: ${errorMessage(err)}`,
        });
      }
    }
  }
}

function copyMessage(m: AgentMessage): AgentMessage {
  return { ...m, body: cloneJson(m.body) };
}

function matches(m: AgentMessage, filter: InboxFilter): boolean {
  return filter.topic === undefined || m.topic === filter.topic;
}

function requireName(value: unknown, field: string, expected: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`Message field "${field}" must be ${expected}, got ${JSON.stringify(value)}.`);
  }
}
