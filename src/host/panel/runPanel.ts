// The "Run" webview panel: one run at a time as a live graph, its approvals and its log.
import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { RunEvent, RunEventType } from '../../core/model/runEvents';
import type { RunState } from '../../core/model/runState';
import type { HostMessage } from '../../protocol/messages';
import { parseWebviewMessage } from '../../protocol/messages';
import type { LogLine } from '../../protocol/logs';
import type { PanelServices } from './panelServices';
import { approvalViewsOf, runGraphOf } from './runGraphOf';
import { timelineOf } from './timelineOf';
import { PanelMessageRouter } from './runPanelMessages';
import { SentValues } from './sentValues';
import { runPanelHtml, runPanelOptions } from './runPanelHtml';

/** Events that change nothing the graph shows. */
const QUIET: ReadonlySet<RunEventType> = new Set(['log', 'span.started', 'span.ended', 'metrics', 'context.changed']);

/** How long changes are gathered before one update is posted. */
const UPDATE_DELAY_MS = 50;

/** One panel: resyncs when shown again, keeps its run id in the webview state for a window reload. */
export class RunPanel extends Disposable {
  private runId: string | undefined;
  /** What was posted last: each task's view (`task:<id>`), the status, approvals, timeline and agents. */
  private readonly sent = new SentValues();
  /** How many tasks the webview's graph has; another count needs a new layout, so a snapshot. */
  private sentTaskCount = 0;
  private pendingLines: LogLine[] = [];
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly router: PanelMessageRouter;
  private readonly closed = this._register(new vscode.EventEmitter<void>());

  /** Fires when the user closes the panel. */
  readonly onDidClose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: PanelServices,
    runId: string | undefined,
  ) {
    super();
    this.runId = runId;
    panel.webview.options = runPanelOptions(services.extensionUri);
    panel.webview.html = runPanelHtml(panel.webview, services.extensionUri);
    this.router = new PanelMessageRouter({
      shownRunId: () => this.runId,
      knowsRun: (id) => services.model.get(id) !== undefined,
      hasTask: (id, taskId) => services.model.get(id)?.details?.plan?.tasks.some((t) => t.id === taskId) ?? false,
      isPending: (id) =>
        services.commandApprovals.isPending(id) || services.approvals.pending().some((p) => p.approvalId === id),
      sendSnapshot: () => this.sendSnapshot(),
      showRun: (id) => this.show(id),
      // The panel asks for the reason itself (its own field), so no reason box opens here: none typed is none.
      decide: async (id, decision, reason = '') => {
        if (services.commandApprovals.isPending(id)) {
          const outcome = services.commandApprovals.decide(id, decision, reason);
          if (outcome !== 'decided') services.log.info(`Run panel: ${decision} of ${id}: ${outcome}.`);
          return;
        }
        const outcome = await (decision === 'accept'
          ? services.approvals.accept(id)
          : services.approvals.reject(id, reason));
        if (outcome !== 'decided') services.log.info(`Run panel: ${decision} of ${id}: ${outcome}.`);
      },
      openDiff: (id) => services.approvals.openDiff(id, 'focus'),
      taskAction: (message) => services.taskAction(message),
      editPath: (id, taskId, index) => services.model.get(id)?.details?.tasks[taskId]?.changedPaths?.[index],
      openEdit: (id, taskId, path) => services.openEdit({ runId: id, taskId, path }),
      planReview: (message) => services.planReviews.handle(message, this.reviewPanel),
      review: async (message) => {
        const reply = await services.reviews.handle(message);
        if (reply) await this.post(reply);
      },
      hasAgentFile: (id) => services.agentFile(id) !== undefined,
      openAgentFile: async (id) => {
        const file = services.agentFile(id);
        if (file !== undefined) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
      },
      log: (message) => services.log.warn(message),
    });
    this._register(panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this._register(
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.visible) void this.sendSnapshot();
      }),
    );
    this._register(services.approvals.onDidChangePending(() => this.postApprovals()));
    this._register(services.commandApprovals.onDidChangePending(() => this.postApprovals()));
    this._register(services.model.onDidChange(() => void this.postRunList()));
    const agentsChanged = services.onAgentsChanged?.(() => void this.postTimelineAndAgents(undefined));
    if (agentsChanged) this._register(agentsChanged);
    this._register(
      panel.onDidDispose(() => {
        this.closed.fire();
        this.dispose();
      }),
    );
  }

  /** Shows a run and sends its snapshot. */
  async show(runId: string): Promise<void> {
    this.runId = runId;
    this.panel.title = vscode.l10n.t('Run: {0}', this.services.model.get(runId)?.summary.goal.slice(0, 40) || runId);
    await this.sendSnapshot();
  }

  /** Takes note of an event of any run; only the shown run's events reach the webview. */
  append(event: RunEvent, line: LogLine | undefined): void {
    if (event.runId !== this.runId) return;
    if (line) this.pendingLines.push(line);
    if (QUIET.has(event.type) && !line) return;
    this.updateTimer ??= setTimeout(() => {
      this.updateTimer = undefined;
      void this.postUpdate();
    }, UPDATE_DELAY_MS);
  }

  override dispose(): void {
    if (this.updateTimer) clearTimeout(this.updateTimer);
    super.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.services.log.warn(`Run panel: message refused, ${parsed.reason}.`);
      return;
    }
    try {
      await this.router.handle(parsed.message);
    } catch (err) {
      this.services.log.error(`Run panel: ${parsed.message.type} failed: ${String(err)}`);
    }
  }

  private async sendSnapshot(): Promise<void> {
    // A panel restored after a reload can ask before the run list was read.
    await this.services.model.ensureLoaded();
    await this.postRunList();
    const runId = this.runId ?? this.services.model.focusRun()?.runId;
    if (!runId) return;
    this.runId = runId;
    const entry = this.services.model.get(runId);
    const state = await this.services.model.loadDetails(runId);
    if (!entry || !state) return;
    const logs = await this.services.recentLines(runId);
    const graph = runGraphOf(state, entry.status, this.services.agentIds(runId), (t) => this.services.scrub(t));
    const approvals = approvalViewsOf(state, (t) => this.services.scrub(t));
    this.sent.clear();
    for (const task of graph.tasks) this.sent.changed(`task:${task.id}`, task);
    this.sentTaskCount = graph.tasks.length;
    this.sent.changed('status', graph.status);
    this.sent.changed('approvals', approvals);
    // Lines that arrived while the stored ones were read are in `logs` already.
    const lastSeq = logs.at(-1)?.seq ?? 0;
    this.pendingLines = this.pendingLines.filter((l) => l.seq > lastSeq);
    await this.post({
      type: 'snapshot',
      graph,
      approvals,
      logs,
    });
    await this.services.planReviews.resync(runId, this.reviewPanel);
    await this.postTimelineAndAgents(state);
  }

  /** Posts the shown run's timeline and the agents, each only when it changed since last sent. */
  private async postTimelineAndAgents(state: Readonly<RunState> | undefined): Promise<void> {
    if (state) {
      const timeline = timelineOf(state, (t) => this.services.scrub(t));
      if (this.sent.changed('timeline', timeline)) await this.post({ type: 'timeline', timeline });
    }
    const agents = await this.services.agentViews();
    if (this.sent.changed('agents', agents)) await this.post({ type: 'agents', agents });
  }

  /** Posts the tasks whose view changed, the run's status when it did, and the new log lines. */
  private async postUpdate(): Promise<void> {
    const runId = this.runId;
    const entry = runId === undefined ? undefined : this.services.model.get(runId);
    const state = entry?.details;
    if (!runId || !entry || !state) return;
    const graph = runGraphOf(state, entry.status, this.services.agentIds(runId), (t) => this.services.scrub(t));
    if (graph.tasks.length !== this.sentTaskCount) return this.sendSnapshot();
    for (const task of graph.tasks) {
      if (this.sent.changed(`task:${task.id}`, task)) {
        await this.post({ type: 'event', runId, event: { kind: 'task', task } });
      }
    }
    if (this.sent.changed('status', graph.status)) {
      await this.post({ type: 'event', runId, event: { kind: 'run', status: graph.status } });
    }
    const lines = this.pendingLines;
    this.pendingLines = [];
    if (lines.length > 0) await this.post({ type: 'event', runId, event: { kind: 'log', lines } });
    await this.postApprovals();
    await this.postTimelineAndAgents(state);
  }

  private async postApprovals(): Promise<void> {
    const state = this.runId === undefined ? undefined : this.services.model.get(this.runId)?.details;
    if (!state) return;
    const approvals = approvalViewsOf(state, (t) => this.services.scrub(t));
    if (this.sent.changed('approvals', approvals)) await this.post({ type: 'approvalPending', approvals });
  }

  private async postRunList(): Promise<void> {
    const runs = this.services.model.runs().map((r) => ({
      runId: r.runId,
      goal: this.services.scrub(r.summary.goal),
      status: r.status,
    }));
    await this.post({ type: 'runList', runs, ...(this.runId !== undefined ? { selected: this.runId } : {}) });
  }

  /** Where the plan reviews answer. */
  private readonly reviewPanel = { post: (m: HostMessage) => this.post(m), showRun: (id: string) => this.show(id) };

  private async post(message: HostMessage): Promise<void> {
    await this.panel.webview.postMessage(message);
  }
}
