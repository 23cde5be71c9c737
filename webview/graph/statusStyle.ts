// How each status looks: a theme colour, a glyph and a word (never colour alone).
import type { TaskViewStatus } from '../../src/protocol/graph.js';

/** Colour from the theme's chart and testing colours; glyph and label for those who cannot tell colours apart. */
export const STATUS_STYLE: Record<TaskViewStatus, { color: string; glyph: string; label: string }> = {
  pending: { color: 'var(--vscode-disabledForeground, #888)', glyph: '○', label: 'pending' },
  ready: { color: 'var(--vscode-charts-blue, #3794ff)', glyph: '◌', label: 'ready' },
  running: { color: 'var(--vscode-testing-runAction, #3794ff)', glyph: '⟳', label: 'running' },
  awaitingApproval: { color: 'var(--vscode-charts-yellow, #cca700)', glyph: '‖', label: 'waiting for approval' },
  succeeded: { color: 'var(--vscode-testing-iconPassed, #73c991)', glyph: '✓', label: 'succeeded' },
  failed: { color: 'var(--vscode-testing-iconFailed, #f14c4c)', glyph: '✗', label: 'failed' },
  retrying: { color: 'var(--vscode-charts-orange, #d18616)', glyph: '↻', label: 'retrying' },
  skipped: { color: 'var(--vscode-testing-iconSkipped, #848484)', glyph: '⤼', label: 'skipped' },
  cancelled: { color: 'var(--vscode-charts-purple, #b180d7)', glyph: '⊘', label: 'cancelled' },
};

/** Tokens as "1.2k". */
export function formatTokens(tokens: number): string {
  return tokens >= 1000 ? `${(tokens / 1000).toFixed(1)}k` : String(tokens);
}

/** Money as "$0.0123". */
export function formatCost(usd: number): string {
  return `$${usd.toFixed(usd >= 1 ? 2 : 4)}`;
}

/** Milliseconds as "1m 05s" or "3.2s". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
