// Owns the run panel (one per window), takes it over after a reload, and feeds it run events.
import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { RunEvent } from '../../core/model/runEvents';
import type { Plan } from '../../core/model/planSchema';
import { RunIdSchema } from '../../protocol/ids';
import { panelLogLine, RecentLogLines } from './panelLog';
import type { PanelServices } from './panelServices';
import type { PlanDraftStore } from './planDraftFiles';
import { PlanReviews } from './planReviews';
import { RunPanel } from './runPanel';
import { RUN_PANEL_VIEW_TYPE, runPanelOptions } from './runPanelHtml';

/** The services a panel gets, less what RunPanels supplies itself, plus where stored logs are read. */
export type RunPanelsServices = Omit<PanelServices, 'recentLines' | 'planReviews'> & {
  /** A run's stored events, for the log of a run this window has not followed. */
  readEvents(runId: string): Promise<RunEvent[]>;
  /** Where plans under review are kept across a window reload. */
  planDrafts: PlanDraftStore;
};

/** The window's run panel: opened from commands, the tree and notifications; restored by VS Code. */
export class RunPanels extends Disposable {
  private current: RunPanel | undefined;
  private readonly lines: RecentLogLines;
  private readonly services: PanelServices;

  constructor(services: RunPanelsServices) {
    super();
    this.lines = new RecentLogLines({
      readEvents: (runId) => services.readEvents(runId),
      scrub: (text) => services.scrub(text),
      warn: (message) => services.log.warn(message),
    });
    const planReviews = new PlanReviews(
      services.planReviewHost,
      (text) => services.scrub(text),
      (message) => services.log.warn(message),
      services.planDrafts,
    );
    this.services = { ...services, recentLines: (runId) => this.lines.of(runId), planReviews };
  }

  /** Takes over a panel VS Code restores after a reload (activation registers the serializer and forwards here). */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const saved = RunIdSchema.safeParse((state as { runId?: unknown } | undefined)?.runId);
    this.adopt(panel, saved.success ? saved.data : undefined);
  }

  /** Opens the panel (or brings it forward) on a run. */
  async open(runId: string): Promise<void> {
    if (!this.current) {
      const panel = vscode.window.createWebviewPanel(
        RUN_PANEL_VIEW_TYPE,
        vscode.l10n.t('Run'),
        vscode.ViewColumn.Active,
        runPanelOptions(this.services.extensionUri),
      );
      this.adopt(panel, runId);
    } else {
      this.current.panel.reveal();
    }
    await this.current!.show(runId);
  }

  /** Opens the panel on a dry run's plan in review mode: it is edited there and runs only when the person presses Run. */
  async openPlanReview(runId: string, plan: Plan, agents: readonly string[]): Promise<void> {
    await this.services.planReviews.open(runId, plan, agents);
    await this.open(runId);
  }

  /** Takes every event of every run; the panel keeps what concerns the run it shows. */
  append(event: RunEvent): void {
    const line = panelLogLine(event, (t) => this.services.scrub(t));
    if (line) this.lines.add(event.runId, line);
    this.current?.append(event, line);
  }

  override dispose(): void {
    this.current?.panel.dispose();
    super.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, runId: string | undefined): void {
    this.current?.panel.dispose();
    const shown = new RunPanel(panel, this.services, runId);
    this.current = shown;
    shown.onDidClose(() => {
      if (this.current === shown) this.current = undefined;
    });
  }
}
