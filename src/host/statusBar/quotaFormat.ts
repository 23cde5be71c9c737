// What the quota status-bar item shows: spend against the run budget, rate-limit headroom of the
// busiest model, the colour level, and the tooltip table. Free of `vscode` so it is unit-tested in Node.
import type { RateHeadroom } from '../../core/quota/rateLimitScheduler';
import type { Usage } from '../../core/model/usage';
import { formatCostUsd, formatTokens, formatUsageCostUsd } from '../views/runFormat';
import type { Localize } from '../views/runTreeFormat';

/** Fraction of a limit at which the item turns to the warning colour. */
export const WARNING_FRACTION = 0.8;
/** Fraction at which it turns to the error colour. */
export const ERROR_FRACTION = 1;

/** The run the item follows. */
export interface QuotaRun {
  goal: string;
  usage: Usage;
  budget: { maxTokens?: number; maxCostUsd?: number };
  /** Usage per `provider/model`. */
  usageByModel: Readonly<Record<string, Usage>>;
  /** True while a session of this window runs it. */
  active: boolean;
}

/** Everything the item is computed from. */
export interface QuotaInput {
  run: QuotaRun | undefined;
  headroom: readonly RateHeadroom[];
  now: number;
}

/** Colour of the item. */
export type QuotaLevel = 'normal' | 'warning' | 'error';

/** How used one limited model is right now. */
export interface ModelPressure {
  /** `provider/model`. */
  key: string;
  /** Share of its tightest limit in use: 0 idle, 1 at the limit (or held back by the server). */
  used: number;
}

/** One row of the tooltip table and of the details quick pick. */
export interface QuotaRow {
  /** `provider/model`. */
  key: string;
  usage: Usage | undefined;
  headroom: RateHeadroom | undefined;
}

/** The computed item. */
export interface QuotaView {
  text: string;
  /** Screen-reader text of the item. */
  accessibleLabel: string;
  level: QuotaLevel;
  /** Share of the run's token budget used, when it has one. */
  tokenFraction: number | undefined;
  /** Share of the run's cost budget used, when it has one. */
  costFraction: number | undefined;
  /** The model closest to its rate limit, when any model has a limit. */
  busiest: ModelPressure | undefined;
  rows: QuotaRow[];
}

/** Share of a model's tightest limit in use; a server-imposed pause or a queue counts as full. */
export function pressureOf(h: RateHeadroom, now: number): number {
  if (h.pausedUntil !== undefined && h.pausedUntil > now) return 1;
  const parts: number[] = [];
  if (h.rpm && h.requestsLeft !== undefined) parts.push(1 - h.requestsLeft / h.rpm);
  if (h.tpm && h.tokensLeft !== undefined) parts.push(1 - h.tokensLeft / h.tpm);
  if (h.waiting > 0) parts.push(1);
  return parts.length === 0 ? 0 : clamp(Math.max(...parts));
}

/** The limited model nearest its limit; undefined when no model has a rate limit. */
export function busiestModel(headroom: readonly RateHeadroom[], now: number): ModelPressure | undefined {
  let best: ModelPressure | undefined;
  for (const h of headroom) {
    if (h.rpm === undefined && h.tpm === undefined && h.pausedUntil === undefined) continue;
    const used = pressureOf(h, now);
    if (!best || used > best.used) best = { key: `${h.key.provider}/${h.key.model}`, used };
  }
  return best;
}

/** The colour for the worst of the given fractions. */
export function levelOf(fractions: ReadonlyArray<number | undefined>): QuotaLevel {
  const worst = Math.max(0, ...fractions.filter((f): f is number => f !== undefined));
  return worst >= ERROR_FRACTION ? 'error' : worst >= WARNING_FRACTION ? 'warning' : 'normal';
}

/** Computes the item, e.g. `$(dashboard) 12.3K tok · $0.04 / $1.00 · 82% free`. */
export function quotaView(input: QuotaInput, locale: string | undefined, t: Localize): QuotaView {
  const run = input.run;
  const usage = run?.usage;
  const tokens = usage ? usage.inputTokens + usage.outputTokens : 0;
  const cost = usage?.costUsd ?? 0;
  const maxTokens = run?.budget.maxTokens;
  const maxCost = run?.budget.maxCostUsd;
  const tokenFraction = maxTokens ? tokens / maxTokens : undefined;
  const costFraction = maxCost ? cost / maxCost : undefined;
  const busiest = busiestModel(input.headroom, input.now);

  const tokenText = maxTokens
    ? t('{0} / {1} tok', formatTokens(tokens, locale), formatTokens(maxTokens, locale))
    : t('{0} tok', formatTokens(tokens, locale));
  const spent = formatUsageCostUsd({ costUsd: cost, costUnknown: usage?.costUnknown }, locale);
  const costText = maxCost ? `${spent} / ${formatCostUsd(maxCost, locale)}` : spent;
  const parts = [tokenText, costText];
  const spoken = [
    maxTokens
      ? t('{0} of {1} tokens', formatTokens(tokens, locale), formatTokens(maxTokens, locale))
      : t('{0} tokens', formatTokens(tokens, locale)),
    maxCost ? t('{0} of {1} budget', spent, formatCostUsd(maxCost, locale)) : t('{0} spent', spent),
  ];
  if (busiest) {
    const free = formatPercent(1 - busiest.used, locale);
    parts.push(t('{0} free', free));
    spoken.push(t('{0} rate-limit headroom on {1}', free, busiest.key));
  }
  return {
    text: `$(dashboard) ${parts.join(' · ')}`,
    accessibleLabel: t('Agent Orchestrator quota: {0}', spoken.join(', ')),
    level: levelOf([tokenFraction, costFraction, busiest?.used]),
    tokenFraction,
    costFraction,
    busiest,
    rows: quotaRows(run?.usageByModel ?? {}, input.headroom),
  };
}

/** One row per `provider/model` that has usage in the run or a rate-limit state, sorted by key. */
export function quotaRows(
  usageByModel: Readonly<Record<string, Usage>>,
  headroom: readonly RateHeadroom[],
): QuotaRow[] {
  const rows = new Map<string, QuotaRow>();
  for (const [key, usage] of Object.entries(usageByModel)) rows.set(key, { key, usage, headroom: undefined });
  for (const h of headroom) {
    const key = `${h.key.provider}/${h.key.model}`;
    const row = rows.get(key) ?? { key, usage: undefined, headroom: undefined };
    row.headroom = h;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** "12 / 60" requests left per minute, "—" without a limit. */
export function leftText(left: number | undefined, limit: number | undefined, locale: string | undefined): string {
  if (left === undefined || limit === undefined) return '—';
  return `${formatTokens(Math.max(0, left), locale)} / ${formatTokens(limit, locale)}`;
}

/** The tooltip as Markdown: the run's spend and budget, then a table per provider/model. User text is escaped. */
export function quotaTooltipMarkdown(
  view: QuotaView,
  run: QuotaRun | undefined,
  locale: string | undefined,
  t: Localize,
  now: number,
): string {
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(t('Agent Orchestrator quota'))}**`, '');
  if (run) {
    lines.push(escapeMarkdown(run.active ? t('Active run: {0}', run.goal) : t('Most recent run: {0}', run.goal)), '');
    const budget: string[] = [];
    if (view.tokenFraction !== undefined)
      budget.push(t('{0} of the token budget', formatPercent(view.tokenFraction, locale)));
    if (view.costFraction !== undefined)
      budget.push(t('{0} of the cost budget', formatPercent(view.costFraction, locale)));
    lines.push(
      escapeMarkdown(budget.length > 0 ? t('Used: {0}', budget.join(', ')) : t('This run has no budget.')),
      '',
    );
  } else {
    lines.push(escapeMarkdown(t('No run yet.')), '');
  }
  if (view.rows.length > 0) {
    const header = [
      t('Model'),
      t('Tokens in'),
      t('Tokens out'),
      t('Cost'),
      t('Requests left / min'),
      t('Tokens left / min'),
    ];
    lines.push(
      `| ${header.map(escapeCell).join(' | ')} |`,
      `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    );
    for (const row of view.rows) {
      const cells = [
        row.key +
          (row.headroom?.pausedUntil !== undefined && row.headroom.pausedUntil > now
            ? ` (${t('held by the server')})`
            : ''),
        row.usage ? formatTokens(row.usage.inputTokens, locale) : '—',
        row.usage ? formatTokens(row.usage.outputTokens, locale) : '—',
        row.usage ? formatUsageCostUsd(row.usage, locale) + (row.usage.estimated ? '*' : '') : '—',
        leftText(row.headroom?.requestsLeft, row.headroom?.rpm, locale),
        leftText(row.headroom?.tokensLeft, row.headroom?.tpm, locale),
      ];
      lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
    }
    if (view.rows.some((r) => r.usage?.estimated))
      lines.push('', escapeMarkdown(t('* includes estimated usage (the provider did not report it)')));
  }
  lines.push('', escapeMarkdown(t('Click for details and settings.')));
  return lines.join('\n');
}

/** "82%". */
export function formatPercent(fraction: number, locale: string | undefined): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(Math.max(0, fraction));
}

/** Escapes Markdown syntax so model names and goals show as typed. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, '\\$&');
}

function escapeCell(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n/g, ' ');
}

function clamp(n: number): number {
  return Math.min(1, Math.max(0, n));
}
