import type { AgentMessage } from '../context/messageBus';
import type { TaskSpec } from '../model/planSchema';
import type { RunState } from '../model/runState';
import type { ContextEntry, DependencyResult, PreviousAttempt } from '../task/agent';

/** Shared-context entries handed to one attempt, at most. */
export const MAX_CONTEXT_ENTRIES = 12;
/** Unread messages handed to one attempt, at most. */
export const MAX_BRIEF_MESSAGES = 10;
/** Characters of message bodies (as JSON) handed to one attempt; the first message always goes. */
export const MAX_BRIEF_MESSAGE_CHARS = 8_000;

/** What an attempt is told about the run around it, beyond its task. */
export interface TaskBackground {
  dependencies: DependencyResult[];
  sharedContext: ContextEntry[];
  unreadMessages: AgentMessage[];
  moreUnreadMessages: number;
  previousAttempt?: PreviousAttempt;
  /** A person's note given with a retry. */
  retryNote?: string;
}

/**
 * Gathers a task's background from the live run state: its dependencies' results, the shared
 * context that concerns it, the messages waiting for its agent (`unread`, from the bus's peek)
 * and, on a retry, how the previous attempt ended.
 */
export function taskBackground(
  state: Readonly<RunState>,
  tasks: readonly TaskSpec[],
  task: TaskSpec,
  attempt: number,
  unread: readonly AgentMessage[],
): TaskBackground {
  const messages = messagesForBrief(unread);
  const previous = previousAttempt(state, task.id, attempt);
  return {
    dependencies: dependencyResults(state, tasks, task),
    sharedContext: relevantContext(state, task),
    unreadMessages: messages,
    moreUnreadMessages: unread.length - messages.length,
    ...(previous ? { previousAttempt: previous } : {}),
    ...(state.tasks[task.id]?.retryNote ? { retryNote: state.tasks[task.id]!.retryNote! } : {}),
  };
}

/** Each dependency's title, summary, output and changed paths, in the task's order. */
export function dependencyResults(
  state: Readonly<RunState>,
  tasks: readonly TaskSpec[],
  task: TaskSpec,
): DependencyResult[] {
  return task.dependencies.map((id) => {
    const done = state.tasks[id];
    const result: DependencyResult = {
      taskId: id,
      title: titlesOf(tasks).get(id) ?? id,
      changedPaths: [...(done?.changedPaths ?? [])],
    };
    if (done?.summary) result.summary = done.summary;
    if (done?.output !== undefined) result.output = done.output;
    return result;
  });
}

/** Task titles by id, built once per task list (a run's plan graph keeps one list), not searched per dependency. */
const titleIndexes = new WeakMap<readonly TaskSpec[], Map<string, string>>();

function titlesOf(tasks: readonly TaskSpec[]): Map<string, string> {
  let titles = titleIndexes.get(tasks);
  if (!titles || titles.size !== tasks.length) {
    titles = new Map(tasks.map((t) => [t.id, t.title]));
    titleIndexes.set(tasks, titles);
  }
  return titles;
}

/**
 * The shared-scope entries for a task, at most `MAX_CONTEXT_ENTRIES`: first those whose key
 * mentions the task (its id, a dependency's id, or one of its paths or file names, as a whole
 * word), then the rest; each group most recently written first. Private and temporary entries
 * are left out: the agent reads them with its tools.
 */
export function relevantContext(state: Readonly<RunState>, task: TaskSpec): ContextEntry[] {
  // `state.context` keeps the order of last writes (the fold re-inserts a rewritten key).
  const shared = Object.values(state.context)
    .filter((r) => r.scope === 'shared')
    .reverse();
  if (shared.length === 0) return [];
  const terms = mentionTerms(task);
  const mentioning = shared.filter((r) => terms.some((term) => mentions(r.key, term)));
  const rest = shared.filter((r) => !mentioning.includes(r));
  return [...mentioning, ...rest].slice(0, MAX_CONTEXT_ENTRIES).map((r) => ({ key: r.key, value: r.value }));
}

/**
 * How the latest earlier attempt at the task ended, with its findings and the paths earlier
 * attempts changed; undefined on a first attempt.
 */
export function previousAttempt(
  state: Readonly<RunState>,
  taskId: string,
  attempt: number,
): PreviousAttempt | undefined {
  const task = state.tasks[taskId];
  const earlier = task?.attempts.filter((a) => a.attempt < attempt);
  const last = earlier?.[earlier.length - 1];
  if (!task || !last) return undefined;
  const failureClass = last.outcome === 'cancelled' ? ('cancelled' as const) : last.failureClass;
  const message =
    last.message ??
    (last.outcome === 'cancelled'
      ? 'It was cancelled.'
      : 'It was interrupted before it finished (the run stopped or crashed while it ran).');
  return {
    attempt: last.attempt,
    agentId: last.agentId,
    ...(failureClass ? { failureClass } : {}),
    message,
    findings: (last.findings ?? []).flatMap((i) => {
      const finding = state.findings[i];
      return finding ? [finding] : [];
    }),
    changedPaths: [...task.changedPaths],
  };
}

/** The oldest unread messages that fit the brief's bounds (the first one always does). */
export function messagesForBrief(unread: readonly AgentMessage[]): AgentMessage[] {
  const out: AgentMessage[] = [];
  let chars = 0;
  for (const m of unread) {
    if (out.length >= MAX_BRIEF_MESSAGES) break;
    chars += JSON.stringify(m.body).length;
    if (out.length > 0 && chars > MAX_BRIEF_MESSAGE_CHARS) break;
    out.push(m);
  }
  return out;
}

/** Words a context key may use to name the task: ids, paths, and file names without extension. */
function mentionTerms(task: TaskSpec): string[] {
  const terms = new Set<string>([task.id, ...task.dependencies]);
  for (const path of [...task.writes, ...task.reads]) {
    const plain = path.split(/[*?[\]{}!]/)[0]!.replace(/\/+$/, '');
    if (plain) terms.add(plain);
    const name =
      plain === path
        ? plain
            .split('/')
            .pop()!
            .replace(/\.[^.]*$/, '')
        : '';
    if (name.length >= 3) terms.add(name);
  }
  return [...terms].map((t) => t.toLowerCase());
}

/** Whether `key` contains `term` with no letter or digit right before or after it. */
function mentions(key: string, term: string): boolean {
  const k = key.toLowerCase();
  for (let at = k.indexOf(term); at >= 0; at = k.indexOf(term, at + 1)) {
    const before = k[at - 1];
    const after = k[at + term.length];
    if ((before === undefined || !/[a-z0-9]/.test(before)) && (after === undefined || !/[a-z0-9]/.test(after)))
      return true;
  }
  return false;
}
