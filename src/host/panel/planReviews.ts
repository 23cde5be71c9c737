// The plans under review in this window, by dry run, and what the host does with each review
// message. The host owns every plan: the webview names tasks by id and sends one edit at a time.
// Free of `vscode`: the host's actions come in as ports, so the rules are unit-tested in Node.
import { errorMessage } from '../../core/common/errors';
import type { Plan } from '../../core/model/planSchema';
import type { PlanIssue } from '../../core/model/runEvents';
import type { PlanFile } from '../../core/plan/planFile';
import type { PlanValidation } from '../../core/plan/validatePlan';
import type { HostMessage } from '../../protocol/messages';
import type { PlanIssueView, PlanReviewRequest } from '../../protocol/planReview';
import { PlanDraft } from './planDraft';
import type { PlanDraftStore } from './planDraftFiles';

/** How Run went: started as a new run, refused by validation (nothing ran), or not started (the user was told why). */
export type PlanRunOutcome =
  { kind: 'started'; runId: string } | { kind: 'refused'; issues: PlanIssue[] } | { kind: 'not-started' };

/** What a review needs from the rest of the host (the commands provide it). */
export interface PlanReviewHost {
  /** The plan checked by the rules of the dry run's engine (`orchestrator.validate`); undefined when no engine is at hand. */
  validate(runId: string, plan: PlanFile): Promise<PlanValidation | undefined>;
  /** Checks and starts the plan the way "Run This Plan" does. */
  run(runId: string, plan: PlanFile): Promise<PlanRunOutcome>;
  /** Shows the plan as a JSON document. */
  openJson(runId: string, plan: PlanFile): Promise<void>;
}

/** Where a review's answers go: the panel that asked. */
export interface ReviewPanel {
  post(message: HostMessage): Promise<void>;
  /** Shows the run a review started. */
  showRun(runId: string): Promise<void>;
}

/**
 * Every plan under review in this window; kept while the panel is hidden or closed, and, through
 * `saved`, across a window reload: each applied edit is saved, and a review is read back when its
 * run is shown again.
 */
export class PlanReviews {
  private readonly drafts = new Map<string, PlanDraft>();
  private readonly starting = new Set<string>();

  constructor(
    private readonly host: PlanReviewHost,
    private readonly scrub: (text: string) => string,
    private readonly log: (message: string) => void,
    private readonly saved?: PlanDraftStore,
  ) {}

  /** Puts a dry run's plan under review (replacing an earlier review of it) and checks it. */
  async open(runId: string, plan: Plan, agents: readonly string[]): Promise<void> {
    const draft = new PlanDraft(runId, plan, agents);
    this.drafts.set(runId, draft);
    await this.saved?.save(runId, draft.saved());
    await this.check(draft);
  }

  has(runId: string): boolean {
    return this.drafts.has(runId);
  }

  /** Sends the review of `runId` as it stands, edits and issues included (after a snapshot, on a resync). */
  async resync(runId: string, panel: ReviewPanel): Promise<void> {
    const draft = await this.draftOf(runId);
    if (!draft) return;
    await panel.post({ type: 'planReview', review: draft.view(this.scrub) });
    await this.postIssues(draft, panel, 'validation', draft.issues);
  }

  /** Acts on one review message from a panel. */
  async handle(message: PlanReviewRequest, panel: ReviewPanel): Promise<void> {
    const draft = await this.draftOf(message.runId);
    if (!draft) {
      this.log(`Run panel: no plan of ${message.runId} is under review; ${message.type} ignored.`);
      await panel.post({ type: 'planReviewEnded', runId: message.runId });
      return;
    }
    switch (message.type) {
      case 'planEdit': {
        if (this.starting.has(draft.runId)) {
          const issue: PlanIssueView = { field: 'plan', message: 'The plan is starting; it can no longer be edited.' };
          return this.postIssues(draft, panel, 'edit', [issue]);
        }
        const outcome = draft.apply(message.edit);
        if (!outcome.ok) {
          this.log(`Run panel: ${message.edit.op} on plan ${draft.runId} refused: ${outcome.issue.message}`);
          return this.postIssues(draft, panel, 'edit', [outcome.issue]);
        }
        await this.saved?.save(draft.runId, draft.saved());
        await this.check(draft);
        await panel.post({
          type: 'planReview',
          review: draft.view(this.scrub),
          ...(outcome.notice !== undefined ? { notice: outcome.notice } : {}),
        });
        return this.postIssues(draft, panel, 'validation', draft.issues);
      }
      case 'planRun':
        return this.run(draft, message.version, panel);
      case 'planDiscard':
        this.end(draft.runId);
        this.log(`Run panel: the review of plan ${draft.runId} was discarded; nothing ran.`);
        return panel.post({ type: 'planReviewEnded', runId: draft.runId });
      case 'planOpenJson':
        return this.host.openJson(draft.runId, draft.input());
    }
  }

  private async run(draft: PlanDraft, version: number, panel: ReviewPanel): Promise<void> {
    if (version !== draft.version) {
      this.log(`Run panel: Run of plan ${draft.runId} version ${version} refused; it is at version ${draft.version}.`);
      await panel.post({ type: 'planReview', review: draft.view(this.scrub) });
      const stale = 'The plan changed since this page showed it; check it again, then press Run.';
      return this.postIssues(draft, panel, 'edit', [{ field: 'plan', message: stale }]);
    }
    if (this.starting.has(draft.runId)) return this.log(`Run panel: plan ${draft.runId} is already starting.`);
    this.starting.add(draft.runId);
    try {
      const outcome = await this.host.run(draft.runId, draft.input());
      if (outcome.kind === 'refused') {
        draft.issues = draft.issueViews(outcome.issues, this.scrub);
        return await this.postIssues(draft, panel, 'validation', draft.issues);
      }
      if (outcome.kind === 'not-started') return;
      this.end(draft.runId);
      await panel.post({ type: 'planReviewEnded', runId: draft.runId, startedRunId: outcome.runId });
      await panel.showRun(outcome.runId);
    } finally {
      this.starting.delete(draft.runId);
    }
  }

  /** The review of `runId` in this window, or the one saved before a reload (checked again). */
  private async draftOf(runId: string): Promise<PlanDraft | undefined> {
    const known = this.drafts.get(runId);
    if (known || !this.saved) return known;
    const saved = await this.saved.load(runId).catch((err: unknown) => {
      this.log(`Run panel: the saved review of plan ${runId} could not be read (${errorMessage(err)}).`);
      return undefined;
    });
    // Another message may have read it meanwhile; the first one read wins.
    if (!saved || this.drafts.has(runId)) return this.drafts.get(runId);
    const draft = new PlanDraft(runId, saved.plan, saved.agents, saved.version);
    this.drafts.set(runId, draft);
    await this.check(draft);
    return draft;
  }

  /** The review is over (run or discarded): forgotten here and on disk. */
  private end(runId: string): void {
    this.drafts.delete(runId);
    void this.saved?.remove(runId);
  }

  /** Validates the draft with the engine's rules; an engine that cannot be had leaves the issues as they were. */
  private async check(draft: PlanDraft): Promise<void> {
    try {
      const version = draft.version;
      const validation = await this.host.validate(draft.runId, draft.input());
      // A later edit was checked meanwhile (or is being checked): its answer counts, not this one.
      if (validation && version === draft.version)
        draft.issues = validation.ok ? [] : draft.issueViews(validation.issues, this.scrub);
    } catch (err) {
      this.log(`Run panel: plan ${draft.runId} could not be checked now (${errorMessage(err)}); Run checks it.`);
    }
  }

  private postIssues(
    draft: PlanDraft,
    panel: ReviewPanel,
    kind: 'validation' | 'edit',
    issues: PlanIssueView[],
  ): Promise<void> {
    return panel.post({ type: 'planIssues', runId: draft.runId, version: draft.version, kind, issues });
  }
}
