// How each status looks: a theme colour, a codicon and a word (never colour alone).
import type { TaskViewStatus } from '../../src/protocol/graph.js';

/** One status's look. */
export interface StatusStyle {
  /** A `--vscode-*` colour with a fallback. */
  color: string;
  /** The codicon's name (`codicon-<icon>` in HTML). */
  icon: string;
  /** The icon's character in the codicon font, for SVG text (a unit test checks it against codicon.css). */
  glyph: string;
  /** The word shown beside it. */
  label: string;
  /** Animated (`codicon-modifier-spin`, off under prefers-reduced-motion). */
  spin?: boolean;
}

/** Colour from the theme's chart and testing colours; icon and label for those who cannot tell colours apart. */
export const STATUS_STYLE: Record<TaskViewStatus, StatusStyle> = {
  pending: {
    color: 'var(--vscode-disabledForeground, #888)',
    icon: 'circle-large-outline',
    glyph: '\uebb5',
    label: 'pending',
  },
  ready: { color: 'var(--vscode-charts-blue, #3794ff)', icon: 'play-circle', glyph: '\ueba6', label: 'ready' },
  running: {
    color: 'var(--vscode-testing-runAction, #3794ff)',
    icon: 'loading',
    glyph: '\ueb19',
    label: 'running',
    spin: true,
  },
  awaitingApproval: {
    color: 'var(--vscode-charts-yellow, #cca700)',
    icon: 'question',
    glyph: '\ueb32',
    label: 'waiting for approval',
  },
  succeeded: { color: 'var(--vscode-testing-iconPassed, #73c991)', icon: 'pass', glyph: '\ueba4', label: 'succeeded' },
  failed: { color: 'var(--vscode-testing-iconFailed, #f14c4c)', icon: 'error', glyph: '\uea87', label: 'failed' },
  retrying: { color: 'var(--vscode-charts-orange, #d18616)', icon: 'refresh', glyph: '\ueb37', label: 'retrying' },
  skipped: {
    color: 'var(--vscode-testing-iconSkipped, #848484)',
    icon: 'debug-step-over',
    glyph: '\uead6',
    label: 'skipped',
  },
  cancelled: {
    color: 'var(--vscode-charts-purple, #b180d7)',
    icon: 'circle-slash',
    glyph: '\ueabd',
    label: 'cancelled',
  },
};

/** The classes of a status's codicon in HTML. */
export function codiconClass(style: StatusStyle): string {
  return `codicon codicon-${style.icon}${style.spin ? ' codicon-modifier-spin' : ''}`;
}

/** Tokens as "1.2k". */
export function formatTokens(tokens: number): string {
  return tokens >= 1000 ? `${(tokens / 1000).toFixed(1)}k` : String(tokens);
}

/** Money as "$0.0123"; `unknown` (or "$0.0123 + unknown") when part of it came from a model nobody priced. */
export function formatCost(usd: number, costUnknown = false): string {
  const known = `$${usd.toFixed(usd >= 1 ? 2 : 4)}`;
  if (!costUnknown) return known;
  return usd > 0 ? `${known} + unknown` : 'unknown';
}

/** Milliseconds as "1m 05s" or "3.2s". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
