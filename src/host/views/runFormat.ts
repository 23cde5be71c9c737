// Locale-aware formatting of run numbers for the tree; free of `vscode` so it can be unit-tested in Node.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "5 minutes ago", "yesterday", "in 2 hours" relative to `now`. */
export function formatAge(timestamp: number, now: number, locale: string | undefined): string {
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const diff = timestamp - now;
  const abs = Math.abs(diff);
  if (abs < MINUTE) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < HOUR) return rtf.format(Math.round(diff / MINUTE), 'minute');
  if (abs < DAY) return rtf.format(Math.round(diff / HOUR), 'hour');
  if (abs < 30 * DAY) return rtf.format(Math.round(diff / DAY), 'day');
  return new Date(timestamp).toLocaleDateString(locale);
}

/** Token counts in compact form: 950, 12K, 3.4M. */
export function formatTokens(tokens: number, locale: string | undefined): string {
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(tokens);
}

/** US dollars, with more digits for sub-cent amounts so small spends do not show as $0.00. */
export function formatCostUsd(costUsd: number, locale: string | undefined): string {
  const small = costUsd > 0 && costUsd < 0.01;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: small ? 4 : 2,
  }).format(costUsd);
}

/** A usage's cost: `$0.04`, `unknown` when its model has no price, `$0.04 + unknown` when part of it has none; never $0 for an unpriced model. */
export function formatUsageCostUsd(
  usage: { costUsd: number; costUnknown?: boolean | undefined },
  locale: string | undefined,
): string {
  if (!usage.costUnknown) return formatCostUsd(usage.costUsd, locale);
  return usage.costUsd > 0 ? `${formatCostUsd(usage.costUsd, locale)} + unknown` : 'unknown';
}

/** A full date and time for tooltips. */
export function formatDateTime(timestamp: number, locale: string | undefined): string {
  return new Date(timestamp).toLocaleString(locale);
}

/** `language` when Intl accepts it as a locale tag, otherwise undefined (the runtime default). */
export function safeLocale(language: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(language)[0];
  } catch {
    return undefined;
  }
}
