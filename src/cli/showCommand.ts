import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { totalTokens } from '../core/model/usage';
import type { RunState } from '../core/model/runState';
import { spanRecords, spanTree } from '../core/observe/spanRecords';
import { RUNS_DIR } from '../core/store/runLayout';
import { readRunLock } from '../core/store/runLock';
import { runStoreAt } from '../core/store/runStore';
import type { ShowArgs } from './cliCommand';
import {
  clip,
  formatAge,
  formatCacheHits,
  formatCost,
  formatDuration,
  formatTime,
  formatTokens,
  formatUsageCost,
  table,
} from './cliFormat';
import type { CliIo } from './cliIo';
import { ExitCode } from './exitCodes';
import { displayStatus } from './listCommand';
import { renderSpanTree } from './spanTreeText';
import { UsageError } from './usageError';

/** `show <runId>`: a summary, the folded state (`--json`), the Markdown report (`--markdown`) or the span tree (`--spans`). */
export async function showCommand(args: ShowArgs, io: CliIo, stateDir: string): Promise<number> {
  const runDir = path.join(stateDir, RUNS_DIR, args.runId);
  const exists = await stat(runDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!exists)
    throw new UsageError(
      `There is no run "${args.runId}" in ${path.join(stateDir, RUNS_DIR)}; \`agent-orchestrator list\` shows the runs.`,
    );
  const store = runStoreAt(stateDir);
  if (args.format === 'markdown') {
    io.stdout.write(await store.exportMarkdown(args.runId));
    return ExitCode.ok;
  }
  if (args.format === 'spans') {
    io.stdout.write(`${renderSpanTree(spanTree(spanRecords(await store.readEvents(args.runId))))}\n`);
    return ExitCode.ok;
  }
  const { state, warnings } = await store.load(args.runId);
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  if (args.format === 'json') {
    io.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    return ExitCode.ok;
  }
  const locked = (await readRunLock(runDir)).state === 'held';
  io.stdout.write(`${renderState(state, locked, Date.now())}\n`);
  return ExitCode.ok;
}

/** The human summary of a run: header, usage, tasks, findings and open approvals. */
export function renderState(state: RunState, locked: boolean, now: number): string {
  const out: string[] = [];
  out.push(
    `Run ${state.runId}: ${displayStatus({ status: state.status, locked })}${state.dryRun ? ' (dry run)' : ''}, phase ${state.phase}`,
  );
  out.push(`Goal:     ${state.goal || '(none)'}`);
  out.push(
    `Created:  ${formatTime(state.createdAt)} (${formatAge(state.createdAt, now)})   Updated: ${formatTime(state.updatedAt)}`,
  );
  const u = state.usage;
  out.push(
    `Usage:    ${formatTokens(totalTokens(u))} tokens (${formatTokens(u.inputTokens)} in, ${formatTokens(u.outputTokens)} out${u.estimated ? ', partly estimated' : ''}), ${formatUsageCost(u)}${formatCacheHits(u)}`,
  );
  const budget = [
    state.budget.maxTokens !== undefined ? `${formatTokens(state.budget.maxTokens)} tokens` : '',
    state.budget.maxCostUsd !== undefined ? formatCost(state.budget.maxCostUsd) : '',
  ].filter(Boolean);
  if (budget.length > 0) out.push(`Budget:   ${budget.join(', ')}`);
  if (state.status === 'paused' && state.pauseReason) out.push(`Paused:   ${state.pauseReason}`);
  const waited = waitTotals(state);
  if (waited) out.push(`Waited:   ${waited}`);

  const tasks = state.plan ? state.plan.tasks.map((t) => ({ spec: t, state: state.tasks[t.id] })) : [];
  out.push('', `Tasks (${tasks.length}):`);
  if (tasks.length === 0) out.push(state.planIssues ? '  (the plan was refused)' : '  (no plan yet)');
  else {
    const rows = tasks.map(({ spec, state: t }) => [
      `  ${spec.id}`,
      t?.status ?? 'pending',
      t?.agentId ?? '-',
      String(t?.attempts.length ?? 0),
      formatTokens(t ? totalTokens(t.usage) : 0),
      clip(t?.failure ?? t?.summary ?? spec.title, 80),
    ]);
    out.push(table([['  ID', 'STATUS', 'AGENT', 'TRIES', 'TOKENS', 'NOTE'], ...rows]));
  }
  for (const issue of state.planIssues ?? []) out.push(`  plan issue: ${issue.message}`);

  if (state.findings.length > 0) {
    out.push('', `Findings (${state.findings.length}):`);
    for (const f of state.findings.slice(0, 50))
      out.push(
        `  [${f.preExisting ? 'pre-existing' : f.severity}] ${clip(f.message, 160)}${f.location ? ` (${f.location})` : ''}${f.taskId ? ` [${f.taskId}]` : ''}`,
      );
    if (state.findings.length > 50) out.push(`  … ${state.findings.length - 50} more (see --json or --markdown)`);
  }
  const pending = Object.values(state.approvals).filter((a) => a.status === 'pending');
  if (pending.length > 0) {
    out.push('', `Approvals waiting (${pending.length}):`);
    for (const a of pending) out.push(`  ${a.taskId}: ${a.summary}${a.protected ? ' (protected)' : ''}`);
  }
  return out.join('\n');
}

const WAIT_NAMES = { lock: 'file locks', rateLimit: 'rate limits', approval: 'approvals', budget: 'budget' } as const;

/** "file locks 3.2s, rate limits 1m 05s" over every task's recorded waits, or '' when none were. */
function waitTotals(state: RunState): string {
  const totals = new Map<keyof typeof WAIT_NAMES, number>();
  for (const t of Object.values(state.tasks))
    for (const w of t.waits ?? []) totals.set(w.kind, (totals.get(w.kind) ?? 0) + w.durationMs);
  return (Object.keys(WAIT_NAMES) as (keyof typeof WAIT_NAMES)[])
    .filter((k) => totals.has(k))
    .map((k) => `${WAIT_NAMES[k]} ${formatDuration(totals.get(k)!)}`)
    .join(', ');
}
