import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { formatCostUsd, formatTokens, formatUsageCostUsd, safeLocale } from '../views/runFormat';
import type { RunEntry } from '../views/runEntry';
import type { RunsModel } from '../views/runsModel';
import type { HeadroomSource } from './currentHeadroom';
import { formatPercent, leftText, quotaTooltipMarkdown, quotaView, type QuotaRun, type QuotaView } from './quotaFormat';

/** Command the item runs on click, as contributed in package.json. */
export const SHOW_QUOTA_COMMAND = 'agentOrchestrator.showQuota';
/** Opens the run panel on the run id it is given. */
const OPEN_RUN_PANEL_COMMAND = 'agentOrchestrator.openGraph';

/** Redraws are batched this long. */
const DEBOUNCE_MS = 250;

/**
 * The quota indicator: tokens and cost of the active (or most recent) run against its budget and
 * the rate-limit headroom of the busiest model, coloured near and at a limit. It redraws on
 * events only: RunsModel changes and rate-limit changes (the scheduler also reports headroom that
 * recovers with time), batched; it has no timer of its own beyond the batching.
 */
export class QuotaStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly model: RunsModel,
    private readonly rates: HeadroomSource,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.item = this._register(
      vscode.window.createStatusBarItem('agentOrchestrator.quota', vscode.StatusBarAlignment.Right, 100),
    );
    this.item.name = vscode.l10n.t('Agent Orchestrator Quota');
    this.item.command = SHOW_QUOTA_COMMAND;
    this._register(model.onDidChange(() => this.schedule()));
    this._register(rates.onDidChange(() => this.schedule()));
    this.render();
  }

  /** What the item shows now; also used by the details quick pick. */
  current(): { view: QuotaView; run: QuotaRun | undefined; entry: RunEntry | undefined } {
    const entry = this.model.focusRun();
    const run = entry && quotaRunOf(entry);
    const view = quotaView(
      { run, headroom: this.rates.headroom(), now: this.now() },
      safeLocale(vscode.env.language),
      vscode.l10n.t,
    );
    return { view, run, entry };
  }

  /** Cancels a pending redraw (its timer is re-armed per batch, so it is not `_register`ed). */
  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, DEBOUNCE_MS);
  }

  private render(): void {
    // Nothing to show before the first run; the item appears with it. Checked before formatting any
    // number: the first Intl.NumberFormat loads ICU data, milliseconds that activation need not spend.
    if (!this.model.focusRun() && this.rates.headroom().length === 0) {
      this.item.hide();
      return;
    }
    const { view, run, entry } = this.current();
    // The budget lives in the run's full state; read it once for a run the window has not run.
    if (entry && !entry.details) void this.model.loadDetails(entry.runId);
    const locale = safeLocale(vscode.env.language);
    this.item.text = view.text;
    this.item.accessibilityInformation = { label: view.accessibleLabel, role: 'button' };
    const tooltip = new vscode.MarkdownString(quotaTooltipMarkdown(view, run, locale, vscode.l10n.t, this.now()), true);
    tooltip.isTrusted = false;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      view.level === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.level === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }
}

/** The part of a run the indicator needs. */
function quotaRunOf(entry: RunEntry): QuotaRun {
  return {
    goal: entry.summary.goal,
    usage: entry.summary.usage,
    budget: entry.details?.budget ?? {},
    usageByModel: entry.details?.usageByModel ?? {},
    active: entry.live && entry.status === 'running',
  };
}

/**
 * **Show Quota and Cost**: a quick pick with the run's spend and budget, a line per
 * provider/model, and items that open the budget and the rate-limit settings.
 */
export async function showQuotaDetails(bar: QuotaStatusBar): Promise<void> {
  const { view, run, entry } = bar.current();
  const locale = safeLocale(vscode.env.language);
  type Item = vscode.QuickPickItem & { settingsQuery?: string; runId?: string };
  const items: Item[] = [];
  items.push({ label: vscode.l10n.t('Run'), kind: vscode.QuickPickItemKind.Separator });
  if (run) {
    items.push({
      label: `$(dashboard) ${run.goal || vscode.l10n.t('(no goal yet)')}`,
      description: run.active ? vscode.l10n.t('active') : vscode.l10n.t('most recent'),
      detail: vscode.l10n.t(
        'Tokens: {0}{1} · Cost: {2}{3}',
        formatTokens(run.usage.inputTokens + run.usage.outputTokens, locale),
        run.budget.maxTokens !== undefined
          ? vscode.l10n.t(
              ' of {0} ({1})',
              formatTokens(run.budget.maxTokens, locale),
              formatPercent(view.tokenFraction ?? 0, locale),
            )
          : '',
        formatUsageCostUsd(run.usage, locale),
        run.budget.maxCostUsd !== undefined
          ? vscode.l10n.t(
              ' of {0} ({1})',
              formatCostUsd(run.budget.maxCostUsd, locale),
              formatPercent(view.costFraction ?? 0, locale),
            )
          : '',
      ),
    });
    if (entry) {
      items.push({
        label: `$(type-hierarchy) ${vscode.l10n.t('Open Run Panel')}`,
        description: vscode.l10n.t('the graph, timeline, approvals and log of this run'),
        runId: entry.runId,
      });
    }
  } else {
    items.push({ label: vscode.l10n.t('No run yet') });
  }
  if (view.rows.length > 0) {
    items.push({ label: vscode.l10n.t('Models'), kind: vscode.QuickPickItemKind.Separator });
    for (const row of view.rows) {
      const held = row.headroom?.pausedUntil !== undefined && row.headroom.pausedUntil > Date.now();
      items.push({
        label: `${held ? '$(clock)' : '$(server)'} ${row.key}`,
        description: row.usage
          ? vscode.l10n.t(
              '{0} in · {1} out · {2}',
              formatTokens(row.usage.inputTokens, locale),
              formatTokens(row.usage.outputTokens, locale),
              formatUsageCostUsd(row.usage, locale),
            )
          : vscode.l10n.t('no usage in this run'),
        detail: row.headroom
          ? vscode.l10n.t(
              'Requests left per minute: {0} · Tokens left per minute: {1}{2}',
              leftText(row.headroom.requestsLeft, row.headroom.rpm, locale),
              leftText(row.headroom.tokensLeft, row.headroom.tpm, locale),
              held
                ? vscode.l10n.t(' · held by the server (retry-after)')
                : row.headroom.waiting > 0
                  ? vscode.l10n.t(' · {0} requests waiting', row.headroom.waiting)
                  : '',
            )
          : vscode.l10n.t('No rate limit set'),
      });
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: `$(gear) ${vscode.l10n.t('Open Budget Settings')}`,
    description: 'agentOrchestrator.budget',
    settingsQuery: 'agentOrchestrator.budget',
  });
  items.push({
    label: `$(gear) ${vscode.l10n.t('Open Rate-Limit Settings')}`,
    description: 'agentOrchestrator.rateLimits',
    settingsQuery: 'agentOrchestrator.rateLimits',
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Agent Orchestrator: Quota and Cost'),
    placeHolder: view.accessibleLabel,
  });
  if (picked?.runId) await vscode.commands.executeCommand(OPEN_RUN_PANEL_COMMAND, picked.runId);
  else if (picked?.settingsQuery)
    await vscode.commands.executeCommand('workbench.action.openSettings', picked.settingsQuery);
}
