import { Disposable } from '../../core/common/disposable';
import { Emitter } from '../../core/common/emitter';
import type { Event } from '../../core/common/emitter';
import type { ApprovalDecision, EditProposal } from '../../core/tools/approvalPort';
import { applyHunkDecisions, computeHunks } from './hunks';
import type { LineHunk } from './hunks';

/** The user's answer on one hunk so far; an undecided hunk counts as accepted when the whole edit is accepted. */
export type HunkState = 'pending' | 'accepted' | 'rejected';

/** What accepting the edit in its current state means. */
export type AcceptOutcome = { kind: 'accept'; content?: string } | { kind: 'allRejected' };

/** What changed in the store, for views and context keys. */
export interface PendingEditsChange {
  approvalId: string;
  kind: 'added' | 'updated' | 'removed';
}

/** Decided approval ids remembered, so a second decision can say what the first was. */
const REMEMBERED_DECISIONS = 500;

/** What a decision from the editor, the review list or the run panel came to; all but `decided` change nothing. */
export type DecisionOutcome =
  /** Recorded: the engine has the answer. */
  | 'decided'
  /** It was decided before (logged). */
  | 'alreadyDecided'
  /** Another decision on it is under way, e.g. a reason prompt (logged). */
  | 'busy'
  /** Not waiting, or proposed again while the user decided (logged). */
  | 'notPending'
  /** Not applied: the file has unsaved changes (the user was told). */
  | 'refused';

/** How a pending proposal's promise is settled. */
export interface Settle {
  resolve(decision: ApprovalDecision): void;
  reject(reason: unknown): void;
}

/** One proposal waiting for the user. */
export interface PendingEdit {
  readonly proposal: EditProposal;
  /** Text the user wrote in place of the agent's proposal ("Edit Proposal…"); undefined when unchanged. */
  readonly userContent: string | undefined;
  /** Bumped whenever what the proposal shows (its text or hunk states) changes. */
  readonly version: number;
  /** When the user was asked, for ordering. */
  readonly since: number;
}

interface Entry extends PendingEdit {
  settle: Settle;
  hunks: LineHunk[] | undefined;
  states: Map<number, HunkState>;
  userContent: string | undefined;
  version: number;
}

/**
 * The proposals waiting for a decision, keyed by approval id, with the user's per-hunk decisions
 * and edited text. It holds no `vscode` objects: the diff editor, CodeLens and review list read it,
 * and {@link PendingEdits.settle} answers the engine exactly once.
 */
export class PendingEdits extends Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly decided = new Map<string, ApprovalDecision['decision']>();
  private readonly changes: Emitter<PendingEditsChange>;

  constructor(
    private readonly now: () => number = Date.now,
    onListenerError?: (err: unknown) => void,
  ) {
    super();
    this.changes = this._register(new Emitter<PendingEditsChange>(onListenerError));
  }

  /** Fires on every add, update (hunk decision, edited text) and removal. */
  get onDidChange(): Event<PendingEditsChange> {
    return this.changes.event;
  }

  /** Registers a proposal; one already pending under the same id is superseded (its promise is rejected). */
  add(proposal: EditProposal, settle: Settle): PendingEdit {
    this.fail(proposal.approvalId, new Error(`The edit of ${proposal.path} was proposed again before you decided.`));
    this.decided.delete(proposal.approvalId);
    const entry: Entry = {
      proposal,
      settle,
      hunks: undefined,
      states: new Map(),
      userContent: undefined,
      version: 1,
      since: this.now(),
    };
    this.entries.set(proposal.approvalId, entry);
    this.changes.fire({ approvalId: proposal.approvalId, kind: 'added' });
    return entry;
  }

  /**
   * Registers the proposal and waits for the user's decision. Aborting `signal` forgets it and
   * rejects with the abort reason; so does a later proposal under the same id, or dispose.
   */
  wait(proposal: EditProposal, signal: AbortSignal): Promise<ApprovalDecision> {
    return new Promise<ApprovalDecision>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => void this.fail(proposal.approvalId, signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      this.add(proposal, {
        resolve: (decision) => {
          done();
          resolve(decision);
        },
        reject: (reason: unknown) => {
          done();
          reject(reason);
        },
      });
    });
  }

  get(approvalId: string): PendingEdit | undefined {
    return this.entries.get(approvalId);
  }

  /** Pending proposals, oldest first, of one run or of all. */
  list(runId?: string): PendingEdit[] {
    return [...this.entries.values()]
      .filter((e) => runId === undefined || e.proposal.runId === runId)
      .sort((a, b) => a.since - b.since);
  }

  /** The text the right-hand side shows: the user's version, else the agent's; undefined for a deletion. */
  proposedContent(approvalId: string): string | undefined {
    const entry = this.entries.get(approvalId);
    if (entry === undefined) return undefined;
    return entry.userContent ?? entry.proposal.after;
  }

  /** The hunks between the file as the agent saw it and the proposed text (computed once per text). */
  hunks(approvalId: string): readonly LineHunk[] {
    const entry = this.entries.get(approvalId);
    if (entry === undefined) return [];
    entry.hunks ??= computeHunks(entry.proposal.before, entry.userContent ?? entry.proposal.after);
    return entry.hunks;
  }

  hunkState(approvalId: string, index: number): HunkState {
    return this.entries.get(approvalId)?.states.get(index) ?? 'pending';
  }

  /** Sets a hunk's state; setting the state it already has returns it to pending (the CodeLens "Undo"). Returns false for an unknown hunk. */
  toggleHunk(approvalId: string, index: number, state: 'accepted' | 'rejected'): boolean {
    const entry = this.entries.get(approvalId);
    if (entry === undefined || !this.hunks(approvalId).some((h) => h.index === index)) return false;
    if (entry.states.get(index) === state) entry.states.delete(index);
    else entry.states.set(index, state);
    this.touch(entry);
    return true;
  }

  /** Decides every hunk at once: those in `accepted` are accepted, the others rejected. */
  setHunkStates(approvalId: string, accepted: ReadonlySet<number>): void {
    const entry = this.entries.get(approvalId);
    if (entry === undefined) return;
    for (const hunk of this.hunks(approvalId))
      entry.states.set(hunk.index, accepted.has(hunk.index) ? 'accepted' : 'rejected');
    this.touch(entry);
  }

  /** Hunks without a decision yet. */
  undecided(approvalId: string): number {
    return this.hunks(approvalId).filter((h) => this.hunkState(approvalId, h.index) === 'pending').length;
  }

  /** Replaces the proposed text with the user's (undefined restores the agent's); hunk decisions start over. */
  setUserContent(approvalId: string, content: string | undefined): void {
    const entry = this.entries.get(approvalId);
    if (entry === undefined) return;
    const next = content === entry.proposal.after ? undefined : content;
    if (next === entry.userContent) return;
    entry.userContent = next;
    entry.hunks = undefined;
    entry.states.clear();
    this.touch(entry);
  }

  /**
   * What accepting means now: every hunk not rejected is applied. All applied → the proposal as is
   * (with the user's text, if any); some rejected → the mixed content; all rejected → nothing to accept.
   */
  acceptOutcome(approvalId: string): AcceptOutcome {
    const entry = this.entries.get(approvalId);
    if (entry === undefined) return { kind: 'allRejected' };
    const hunks = this.hunks(approvalId);
    const accepted = new Set(
      hunks.filter((h) => this.hunkState(approvalId, h.index) !== 'rejected').map((h) => h.index),
    );
    if (hunks.length > 0 && accepted.size === 0) return { kind: 'allRejected' };
    if (accepted.size === hunks.length)
      return entry.userContent === undefined ? { kind: 'accept' } : { kind: 'accept', content: entry.userContent };
    return { kind: 'accept', content: applyHunkDecisions(entry.proposal.before, hunks, accepted) };
  }

  /**
   * Answers the engine and forgets the proposal, exactly once: false when it was no longer pending,
   * or when `expected` is given and the pending entry is no longer that one (it was proposed again
   * while the user was deciding, so the decision was about a text they did not see).
   */
  settle(approvalId: string, decision: ApprovalDecision, expected?: PendingEdit): boolean {
    if (expected !== undefined && this.entries.get(approvalId) !== expected) return false;
    const entry = this.remove(approvalId);
    if (entry === undefined) return false;
    this.decided.delete(approvalId);
    this.decided.set(approvalId, decision.decision);
    for (const old of [...this.decided.keys()].slice(0, Math.max(0, this.decided.size - REMEMBERED_DECISIONS)))
      this.decided.delete(old);
    entry.settle.resolve(decision);
    return true;
  }

  /** How a proposal no longer pending was decided here, if it was (for the log line of a second decision). */
  decidedAs(approvalId: string): ApprovalDecision['decision'] | undefined {
    return this.entries.has(approvalId) ? undefined : this.decided.get(approvalId);
  }

  /** Rejects the engine's promise (abort, window closing) and forgets the proposal. */
  fail(approvalId: string, reason: unknown): boolean {
    const entry = this.remove(approvalId);
    entry?.settle.reject(reason);
    return entry !== undefined;
  }

  /** Fails every pending proposal with `reason` (the window is closing) and stops firing events. */
  override dispose(reason: unknown = new Error('The approvals were disposed.')): void {
    for (const id of [...this.entries.keys()]) this.fail(id, reason);
    super.dispose();
  }

  private remove(approvalId: string): Entry | undefined {
    const entry = this.entries.get(approvalId);
    if (entry === undefined) return undefined;
    this.entries.delete(approvalId);
    this.changes.fire({ approvalId, kind: 'removed' });
    return entry;
  }

  private touch(entry: Entry): void {
    entry.version++;
    this.changes.fire({ approvalId: entry.proposal.approvalId, kind: 'updated' });
  }
}
