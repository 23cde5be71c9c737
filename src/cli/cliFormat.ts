// Plain, locale-independent formatting for terminal output: stable in logs and in tests.

/** 950, 12.3k, 3.4M. */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(Math.round(tokens));
  if (tokens < 1_000_000) return `${trim(tokens / 1000)}k`;
  return `${trim(tokens / 1_000_000)}M`;
}

/** $0.04; sub-cent amounts keep four decimals ($0.0012) so small spends do not read as nothing. */
export function formatCost(usd: number): string {
  if (usd > 0 && usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** A usage's cost: `$0.04`, `unknown` when its model has no price, `$0.04 + unknown` when part of it has none. */
export function formatUsageCost(usage: { costUsd: number; costUnknown?: boolean }): string {
  if (!usage.costUnknown) return formatCost(usage.costUsd);
  return usage.costUsd > 0 ? `${formatCost(usage.costUsd)} + unknown` : 'unknown';
}

/** `, 3 cache hits` when the response cache answered any request, else nothing. */
export function formatCacheHits(usage: { cacheHits?: number }): string {
  const hits = usage.cacheHits ?? 0;
  return hits === 0 ? '' : `, ${hits} cache hit${hits === 1 ? '' : 's'}`;
}

/** 850ms, 12.3s, 4m 05s, 2h 03m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${trim(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** "just now", "5m ago", "3h ago", "2d ago", then the date. */
export function formatAge(timestamp: number, now: number): string {
  if (!timestamp) return '-';
  const diff = Math.max(0, now - timestamp);
  if (diff < 60_000) return 'just now';
  if (diff < 3_600_000) return `${Math.floor(diff / 60_000)}m ago`;
  if (diff < 86_400_000) return `${Math.floor(diff / 3_600_000)}h ago`;
  if (diff < 30 * 86_400_000) return `${Math.floor(diff / 86_400_000)}d ago`;
  return new Date(timestamp).toISOString().slice(0, 10);
}

/** An ISO date and time without milliseconds, or "-". */
export function formatTime(timestamp: number): string {
  return timestamp ? new Date(timestamp).toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

/** Cuts `text` to `max` characters with "…", on one line. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - 1))}…`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function trim(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1).replace(/\.0$/, '');
}
