import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { RunState, TaskState } from '../../core/model/runState';
import type { Finding } from '../../core/model/finding';
import { formatCostUsd, formatDateTime, formatTokens, formatUsageCostUsd, safeLocale } from './runFormat';
import type { RunEntry, RunsChange } from './runEntry';
import type { RunsModel } from './runsModel';
import {
  approvalDescription,
  approvalIcon,
  approvalLabel,
  attemptDescription,
  attemptIcon,
  attemptLabel,
  findingIcon,
  firstLine,
  runContextValue,
  runDescription,
  runIcon,
  runStatusText,
  taskContextValue,
  taskDescription,
  taskIcon,
  taskStatusText,
  type IconSpec,
  displayTaskStatus,
} from './runTreeFormat';
import { nodeId, RunTreeNodes, type RunTreeNode } from './runTreeNodes';

/** The id of the run tree view, as contributed in package.json. */
export const RUNS_VIEW_ID = 'agentOrchestrator.runs';

/** Live updates are batched this long, so a burst of events redraws once. */
const DEBOUNCE_MS = 100;

/** Command ids the tree's items run on click. */
const OPEN_FINDING = 'agentOrchestrator.openFinding';
const OPEN_EDIT_DIFF = 'agentOrchestrator.openEditDiff';

/**
 * The Runs view: runs → tasks → attempts, findings and edits. It renders the RunsModel and
 * redraws from its change events (batched; only the runs that changed, unless the list itself did).
 */
export class RunTreeProvider extends Disposable implements vscode.TreeDataProvider<RunTreeNode> {
  private readonly changed = this._register(new vscode.EventEmitter<RunTreeNode | RunTreeNode[] | undefined>());
  private readonly nodes = new RunTreeNodes();
  private pendingRuns = new Set<string>();
  private pendingAll = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Fires with the elements to redraw (undefined: everything). */
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly model: RunsModel,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this._register(model.onDidChange((change) => this.schedule(change)));
  }

  /** The run element of a run, for `TreeView.reveal`. */
  runNode(runId: string): RunTreeNode | undefined {
    return this.model.get(runId) ? this.nodes.run(runId) : undefined;
  }

  getParent(node: RunTreeNode): RunTreeNode | undefined {
    switch (node.kind) {
      case 'run':
        return undefined;
      case 'task':
      case 'notice':
        return this.nodes.run(node.runId);
      case 'attempt':
        return this.nodes.task(node.runId, node.taskId);
      case 'finding': {
        const taskId = this.model.get(node.runId)?.details?.findings[node.index]?.taskId;
        return taskId && this.model.get(node.runId)?.details?.tasks[taskId]
          ? this.nodes.task(node.runId, taskId)
          : this.nodes.run(node.runId);
      }
      case 'approval': {
        const taskId = this.model.get(node.runId)?.details?.approvals[node.approvalId]?.taskId;
        return taskId ? this.nodes.task(node.runId, taskId) : this.nodes.run(node.runId);
      }
    }
  }

  async getChildren(node?: RunTreeNode): Promise<RunTreeNode[]> {
    if (!node) {
      await this.model.ensureLoaded();
      const runs = this.model.runs();
      this.nodes.retainRuns(new Set(runs.map((r) => r.runId)));
      return runs.map((r) => this.nodes.run(r.runId));
    }
    switch (node.kind) {
      case 'run':
        return this.runChildren(node.runId);
      case 'task':
        return this.taskChildren(node.runId, node.taskId);
      default:
        return [];
    }
  }

  getTreeItem(node: RunTreeNode): vscode.TreeItem {
    const locale = safeLocale(vscode.env.language);
    const entry = this.model.get(node.runId);
    const state = entry?.details;
    let item: vscode.TreeItem;
    switch (node.kind) {
      case 'run':
        item = entry ? this.runItem(entry, locale) : new vscode.TreeItem(node.runId);
        break;
      case 'task': {
        const task = state?.tasks[node.taskId];
        item =
          task && state
            ? this.taskItem(state, task, locale, entry?.status === 'running')
            : new vscode.TreeItem(node.taskId);
        break;
      }
      case 'attempt': {
        const attempt = state?.tasks[node.taskId]?.attempts[node.index];
        item = new vscode.TreeItem(attempt ? attemptLabel(attempt, vscode.l10n.t) : '');
        if (attempt) {
          const live = entry?.status === 'running';
          // A run that is not live stopped counting: an attempt cut off ends where the run's record ends.
          item.description = attemptDescription(
            attempt,
            live ? this.now() : (state?.updatedAt ?? this.now()),
            locale,
            vscode.l10n.t,
          );
          item.iconPath = themeIcon(attemptIcon(attempt, live));
          item.tooltip = attempt.message
            ? plainTooltip(`${attemptLabel(attempt, vscode.l10n.t)}\n\n${attempt.message}`)
            : undefined;
          item.contextValue = 'attempt';
          item.accessibilityInformation = { label: `${item.label as string}, ${item.description}` };
        }
        break;
      }
      case 'finding': {
        const finding = state?.findings[node.index];
        item = finding ? findingItem(node, finding) : new vscode.TreeItem('');
        break;
      }
      case 'approval': {
        const record = state?.approvals[node.approvalId];
        item = new vscode.TreeItem(record ? approvalLabel(record) : node.approvalId);
        if (record) {
          item.description = approvalDescription(record, vscode.l10n.t);
          item.iconPath = themeIcon(approvalIcon(record.status));
          item.tooltip = plainTooltip(
            `${approvalLabel(record)}\n\n${record.summary}${record.reason ? `\n\n${record.reason}` : ''}`,
          );
          item.contextValue = record.kind === 'edit' ? `edit-${record.status}` : `command-${record.status}`;
          const kind = record.kind === 'edit' ? vscode.l10n.t('Edit') : vscode.l10n.t('Command');
          item.accessibilityInformation = { label: `${kind} ${approvalLabel(record)}, ${item.description}` };
          if (record.kind === 'edit') {
            item.command = {
              command: OPEN_EDIT_DIFF,
              title: vscode.l10n.t('Open Edit'),
              arguments: [{ runId: node.runId, approvalId: node.approvalId, path: record.path }],
            };
          }
        }
        break;
      }
      case 'notice':
        item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = 'notice';
        break;
    }
    item.id = nodeId(node);
    return item;
  }

  /** Cancels a pending redraw (its timer is re-armed per batch, so it is not `_register`ed). */
  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }

  private runItem(entry: RunEntry, locale: string | undefined): vscode.TreeItem {
    const summary = entry.summary;
    const goal = summary.goal || vscode.l10n.t('(no goal yet)');
    const item = new vscode.TreeItem(
      goal,
      entry.live && entry.status === 'running'
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed,
    );
    const description = runDescription(summary, this.now(), locale, vscode.l10n.t);
    const warning = summary.warning ?? entry.detailWarnings[0];
    item.description = warning ? `⚠ ${description}` : description;
    item.iconPath = themeIcon(runIcon(entry.status));
    item.contextValue = runContextValue(entry.status);
    item.tooltip = runTooltip(entry, locale);
    item.accessibilityInformation = {
      label: vscode.l10n.t('Run {0}, {1}, {2}', goal, runStatusText(entry.status, vscode.l10n.t), description),
    };
    return item;
  }

  private taskItem(
    state: Readonly<RunState>,
    task: TaskState,
    locale: string | undefined,
    live: boolean,
  ): vscode.TreeItem {
    const status = displayTaskStatus(task.status, live);
    const spec = state.plan?.tasks.find((t) => t.id === task.id);
    const hasChildren =
      task.attempts.length > 0 ||
      state.findings.some((f) => f.taskId === task.id) ||
      Object.values(state.approvals).some((a) => a.taskId === task.id);
    const item = new vscode.TreeItem(
      spec?.title ?? task.id,
      hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.description = taskDescription(task, live ? this.now() : state.updatedAt, locale, vscode.l10n.t);
    item.iconPath = themeIcon(taskIcon(status));
    item.contextValue = taskContextValue(status);
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = false;
    md.appendMarkdown('**')
      .appendText(spec?.title ?? task.id)
      .appendMarkdown('**\n\n');
    md.appendText(vscode.l10n.t('Task {0} · {1}', task.id, taskStatusText(status, vscode.l10n.t))).appendMarkdown(
      '  \n',
    );
    if (spec?.requiredCapabilities.length)
      md.appendText(vscode.l10n.t('Needs: {0}', spec.requiredCapabilities.join(', '))).appendMarkdown('  \n');
    if (spec?.dependencies.length)
      md.appendText(vscode.l10n.t('After: {0}', spec.dependencies.join(', '))).appendMarkdown('  \n');
    md.appendText(
      vscode.l10n.t(
        'Tokens: {0} in, {1} out · Cost: {2}',
        formatTokens(task.usage.inputTokens, locale),
        formatTokens(task.usage.outputTokens, locale),
        formatUsageCostUsd(task.usage, locale),
      ),
    );
    if (spec?.description) md.appendMarkdown('\n\n').appendText(spec.description);
    if (task.summary) md.appendMarkdown('\n\n').appendText(task.summary);
    if (task.failure) md.appendMarkdown('\n\n$(error) ').appendText(task.failure);
    item.tooltip = md;
    item.accessibilityInformation = {
      label: vscode.l10n.t(
        'Task {0}, {1}, {2}',
        spec?.title ?? task.id,
        taskStatusText(status, vscode.l10n.t),
        item.description,
      ),
    };
    return item;
  }

  private async runChildren(runId: string): Promise<RunTreeNode[]> {
    const state = await this.model.loadDetails(runId);
    if (!state) {
      const warning = this.model.get(runId)?.detailWarnings[0];
      return [
        this.nodes.notice(runId, 'unreadable', warning ?? vscode.l10n.t('The run could not be read.'), 'warning'),
      ];
    }
    const children: RunTreeNode[] = [];
    const ordered = state.plan?.tasks.map((t) => t.id) ?? [];
    for (const id of Object.keys(state.tasks)) if (!ordered.includes(id)) ordered.push(id);
    for (const id of ordered) if (state.tasks[id]) children.push(this.nodes.task(runId, id));
    // Findings of the run itself (plan problems, end-of-run verification) and of tasks not in the plan.
    state.findings.forEach((f, index) => {
      if (f.taskId === undefined || !state.tasks[f.taskId]) children.push(this.nodes.finding(runId, index));
    });
    if (children.length === 0) {
      const text = state.status === 'running' ? vscode.l10n.t('Planning…') : vscode.l10n.t('No tasks.');
      children.push(this.nodes.notice(runId, 'empty', text, state.status === 'running' ? 'loading~spin' : 'info'));
    }
    return children;
  }

  private async taskChildren(runId: string, taskId: string): Promise<RunTreeNode[]> {
    const state = await this.model.loadDetails(runId);
    const task = state?.tasks[taskId];
    if (!state || !task) return [];
    const children: RunTreeNode[] = task.attempts.map((_, index) => this.nodes.attempt(runId, taskId, index));
    state.findings.forEach((f, index) => {
      if (f.taskId === taskId) children.push(this.nodes.finding(runId, index));
    });
    for (const record of Object.values(state.approvals))
      if (record.taskId === taskId) children.push(this.nodes.approval(runId, record.approvalId));
    return children;
  }

  private schedule(change: RunsChange): void {
    if (change.structural) this.pendingAll = true;
    for (const id of change.runIds) this.pendingRuns.add(id);
    this.timer ??= setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const all = this.pendingAll;
    const runIds = this.pendingRuns;
    this.pendingAll = false;
    this.pendingRuns = new Set();
    if (all) {
      this.changed.fire(undefined);
      return;
    }
    const nodes: RunTreeNode[] = [];
    for (const runId of runIds) {
      const node = this.nodes.existingRun(runId);
      // A run the tree has never shown is new to it: redraw the list.
      if (!node) {
        this.changed.fire(undefined);
        return;
      }
      nodes.push(node);
    }
    if (nodes.length > 0) this.changed.fire(nodes);
  }
}

function themeIcon(spec: IconSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(spec.id, spec.color ? new vscode.ThemeColor(spec.color) : undefined);
}

function plainTooltip(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  return md.appendText(text);
}

function findingItem(node: RunTreeNode, finding: Finding): vscode.TreeItem {
  const item = new vscode.TreeItem(firstLine(finding.message));
  item.description = finding.location ?? finding.category;
  item.iconPath = themeIcon(findingIcon(finding.severity));
  item.contextValue = finding.location ? 'finding-located' : 'finding';
  item.tooltip = plainTooltip(
    `${finding.severity} · ${finding.category}${finding.location ? ` · ${finding.location}` : ''}\n\n${finding.message}`,
  );
  item.accessibilityInformation = {
    label: vscode.l10n.t(
      '{0} finding: {1}{2}',
      finding.severity,
      firstLine(finding.message),
      finding.location ? `, ${finding.location}` : '',
    ),
  };
  if (finding.location)
    item.command = { command: OPEN_FINDING, title: vscode.l10n.t('Open Finding'), arguments: [node] };
  return item;
}

/** Goal, status, times, task counts and spend; user text is appended as plain text, never as Markdown. */
function runTooltip(entry: RunEntry, locale: string | undefined): vscode.MarkdownString {
  const run = entry.summary;
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.appendMarkdown('**').appendText(run.goal).appendMarkdown('**\n\n');
  md.appendText(vscode.l10n.t('Status: {0}', runStatusText(entry.status, vscode.l10n.t))).appendMarkdown('  \n');
  if (entry.details?.pauseReason && entry.status === 'paused')
    md.appendText(entry.details.pauseReason).appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('Run: {0}', run.runId)).appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('Created: {0}', formatDateTime(run.createdAt, locale))).appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('Updated: {0}', formatDateTime(run.updatedAt, locale))).appendMarkdown('\n\n');
  const counts = Object.entries(run.taskCounts)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  md.appendText(vscode.l10n.t('Tasks: {0}', counts || vscode.l10n.t('none'))).appendMarkdown('  \n');
  md.appendText(
    vscode.l10n.t(
      'Tokens: {0} in, {1} out · Cost: {2}',
      formatTokens(run.usage.inputTokens, locale),
      formatTokens(run.usage.outputTokens, locale),
      formatUsageCostUsd(run.usage, locale),
    ),
  );
  const budget = entry.details?.budget;
  if (budget && (budget.maxTokens !== undefined || budget.maxCostUsd !== undefined)) {
    const parts = [
      budget.maxTokens !== undefined ? vscode.l10n.t('{0} tokens', formatTokens(budget.maxTokens, locale)) : '',
      budget.maxCostUsd !== undefined ? formatCostUsd(budget.maxCostUsd, locale) : '',
    ].filter(Boolean);
    md.appendMarkdown('  \n').appendText(vscode.l10n.t('Budget: {0}', parts.join(', ')));
  }
  for (const warning of [run.warning, ...entry.detailWarnings].filter((w): w is string => Boolean(w))) {
    md.appendMarkdown('\n\n$(warning) ').appendText(warning);
  }
  return md;
}
