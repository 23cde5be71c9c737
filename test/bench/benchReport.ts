import { cpus, freemem, platform, release, totalmem, type } from 'node:os';
import type { Figure } from './benchTypes';

/** The facts of the machine the figures were measured on. */
export function machineFacts(): Record<string, string> {
  const cpu = cpus();
  return {
    CPU: `${cpu[0]?.model.trim() ?? 'unknown'} × ${cpu.length}`,
    Memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
    OS: `${type()} ${release()} (${platform()})`,
    Node: process.version,
  };
}

function num(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** One row of the table as cells: figure, value, anchor, ratio, target, met. */
function cells(f: Figure): string[] {
  return [
    f.benchmark,
    f.measure,
    // A figure that could not be measured here carries NaN; its note says why.
    Number.isNaN(f.value) ? 'not measured' : `${num(f.value)} ${f.unit}`,
    f.anchor ? `${f.anchor.name}: ${num(f.anchor.value)}` : '—',
    f.ratio === undefined ? '—' : `${num(f.ratio)}×`,
    f.target?.text ?? 'report',
    f.target === undefined ? '—' : f.target.met ? 'yes' : '**no**',
  ];
}

const HEADER = ['Benchmark', 'Measure', 'Value', 'Anchor (same run)', 'Ratio', 'Target', 'Met'];

/** The table for the terminal: one figure a line, tab-free and aligned. */
export function consoleTable(figures: readonly Figure[]): string {
  const rows = [HEADER, ...figures.map((f) => cells(f).map((c) => c.replace(/\*\*/g, '')))];
  const widths = HEADER.map((_, i) => Math.min(70, Math.max(...rows.map((r) => r[i]!.length))));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** BENCHMARKS.md: the table, the plot, notes, machine facts and the command of every figure. */
export function markdownReport(input: {
  figures: readonly Figure[];
  plotFile: string;
  facts: Record<string, string>;
  command: string;
  totalSeconds: number;
  date: string;
  skipped: readonly string[];
}): string {
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Measured by \`${input.command}\` on ${input.date} in ${input.totalSeconds.toFixed(0)} s. Every ratio is against an`,
    'anchor measured in the same run. Regenerate with `npm run bench` (about 5–10 minutes on 2 CPUs;',
    '`npm run bench -- --quick` is a smoke run; `--only makespan,store` runs some sections).',
    '',
    '## Results',
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...input.figures.map((f) => `| ${cells(f).map(escapeCell).join(' | ')} |`),
    '',
  ];
  const notes = [...new Set(input.figures.flatMap((f) => (f.note ? [f.note] : [])))];
  if (notes.length > 0 || input.skipped.length > 0) {
    lines.push('## Notes', '', ...notes.map((n) => `- ${n}`), ...input.skipped.map((s) => `- ${s}`), '');
  }
  lines.push(
    '## Makespan against critical path',
    '',
    'Unlimited concurrency: the makespan of each engine over DAG size, beside the critical path (the lower bound).',
    '',
    `![Makespan against critical path](${input.plotFile})`,
    '',
    '## Machine',
    '',
    ...Object.entries(input.facts).map(([k, v]) => `- ${k}: ${v}`),
    '',
    '## Commands',
    '',
    '| Benchmark | Command |',
    '| --- | --- |',
    ...[...new Map(input.figures.map((f) => [f.benchmark, f.command])).entries()].map(
      ([b, c]) => `| ${b} | \`${escapeCell(c)}\` |`,
    ),
    '',
  );
  return lines.join('\n');
}
