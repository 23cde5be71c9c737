import * as vscode from 'vscode';
import type { RunSummary } from '../core/store/runStore';
import { formatAge, formatCostUsd, formatDateTime, formatTokens, safeLocale } from './runFormat';

/** The id of the run tree view, as contributed in package.json. */
export const RUNS_VIEW_ID = 'agentOrchestrator.runs';

/** The `contextValue` of a run item; `view/item/context` menus key on it. */
export const RUN_CONTEXT_VALUE = 'run';

/** What the tree needs from the store: a list of run summaries. */
export interface RunLister {
  list(): Promise<RunSummary[]>;
}

/** Codicon and theme colour per run status. */
const STATUS_ICONS: Record<string, { icon: string; color?: string }> = {
  running: { icon: 'sync~spin', color: 'charts.blue' },
  planned: { icon: 'checklist', color: 'charts.blue' },
  paused: { icon: 'debug-pause', color: 'charts.yellow' },
  succeeded: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  cancelled: { icon: 'circle-slash', color: 'disabledForeground' },
};

/** A run still marked running that no live process owns: its window or CLI stopped mid-run. */
const INTERRUPTED_ICON = { icon: 'debug-disconnect', color: 'charts.orange' };

/** The status to show: `interrupted` for a run still marked running that no live process owns. */
function displayStatus(run: RunSummary): string {
  return run.status === 'running' && !run.locked ? 'interrupted' : run.status;
}

/** Lists the runs of the store in its order (newest first); a refresh re-reads the store. */
export class RunTreeProvider implements vscode.TreeDataProvider<RunSummary>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunSummary | undefined>();
  private readonly failed = new vscode.EventEmitter<string | undefined>();

  /** Fires when the whole tree must be re-read. */
  readonly onDidChangeTreeData = this.changed.event;
  /** Fires with an error text when listing fails, and with undefined when it succeeds again. */
  readonly onDidChangeError = this.failed.event;

  constructor(
    private readonly store: RunLister,
    private readonly now: () => number = Date.now,
  ) {}

  /** Re-reads the store. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: RunSummary): Promise<RunSummary[]> {
    if (element) return [];
    try {
      const runs = await this.store.list();
      this.failed.fire(undefined);
      return runs;
    } catch (error) {
      this.failed.fire(vscode.l10n.t('Could not read runs: {0}', error instanceof Error ? error.message : String(error)));
      return [];
    }
  }

  getTreeItem(run: RunSummary): vscode.TreeItem {
    const locale = safeLocale(vscode.env.language);
    const item = new vscode.TreeItem(run.goal || vscode.l10n.t('(no goal)'), vscode.TreeItemCollapsibleState.None);
    item.id = run.runId;
    item.contextValue = RUN_CONTEXT_VALUE;
    const status = displayStatus(run);
    item.iconPath = statusIcon(status);
    const tokens = run.usage.inputTokens + run.usage.outputTokens;
    const description = vscode.l10n.t(
      '{0} · {1} tokens · {2}',
      formatAge(run.updatedAt, this.now(), locale),
      formatTokens(tokens, locale),
      formatCostUsd(run.usage.costUsd, locale),
    );
    item.description = run.warning ? `⚠ ${description}` : description;
    item.tooltip = runTooltip(run, locale);
    item.accessibilityInformation = { label: `${run.goal}, ${status}, ${description}` };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    this.failed.dispose();
  }
}

function statusIcon(status: string): vscode.ThemeIcon {
  const entry = status === 'interrupted' ? INTERRUPTED_ICON : STATUS_ICONS[status];
  if (!entry) return new vscode.ThemeIcon('question');
  return new vscode.ThemeIcon(entry.icon, entry.color ? new vscode.ThemeColor(entry.color) : undefined);
}

/** Goal, status, times, task counts and spend; user text is appended as plain text, never as Markdown. */
function runTooltip(run: RunSummary, locale: string | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.appendMarkdown('**').appendText(run.goal).appendMarkdown('**\n\n');
  md.appendText(vscode.l10n.t('Status: {0}', displayStatus(run))).appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('Run: {0}', run.runId)).appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('Created: {0}', formatDateTime(run.createdAt, locale))).appendMarkdown('  \n');
  md.appendText(vscode.l10n.t('Updated: {0}', formatDateTime(run.updatedAt, locale))).appendMarkdown('\n\n');
  const counts = Object.entries(run.taskCounts)
    .filter(([, count]) => typeof count === 'number' && count > 0)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');
  md.appendText(vscode.l10n.t('Tasks: {0}', counts || vscode.l10n.t('none'))).appendMarkdown('  \n');
  md.appendText(
    vscode.l10n.t(
      'Tokens: {0} in, {1} out · Cost: {2}',
      formatTokens(run.usage.inputTokens, locale),
      formatTokens(run.usage.outputTokens, locale),
      formatCostUsd(run.usage.costUsd, locale),
    ),
  );
  if (run.warning) {
    md.appendMarkdown('\n\n$(warning) ').appendText(run.warning);
  }
  return md;
}
