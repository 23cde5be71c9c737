import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cliEnv, collect, git, jsonLines } from '../support/cliProcess';
import { FakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { isPlannerRequest, scriptedTeam, taskOfRequest, type ScriptedTask } from '../support/scriptedTeam';
import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { phaseBreakdown, type PhaseEvent, type PhaseRow } from './endToEndPhases';
import { atMost, round } from './benchTypes';

const REPO_ROOT = resolve(__dirname, '../..');
const CLI = join(REPO_ROOT, 'dist/cli.js');
const COMMAND = 'npm run bench -- --only end-to-end';

/** Six tasks, three deep: a, b, c; d after a and b; e after c; f after d and e. */
const SIX: ScriptedTask[] = [
  { id: 'a', title: 'Write a' },
  { id: 'b', title: 'Write b' },
  { id: 'c', title: 'Write c' },
  { id: 'd', title: 'Write d', dependencies: ['a', 'b'] },
  { id: 'e', title: 'Write e', dependencies: ['c'] },
  { id: 'f', title: 'Write f', dependencies: ['d', 'e'] },
];

/** Sixteen independent tasks, run at concurrency 16. */
const SIXTEEN: ScriptedTask[] = Array.from({ length: 16 }, (_, i) => ({ id: `p${i}`, title: `Write p${i}` }));

/**
 * The model-time bound: the planner's turns, plus the longest dependency path where each task
 * weighs the model turns it actually took, all times the fixed latency.
 */
export function modelTimeBoundMs(
  tasks: readonly ScriptedTask[],
  turnsOf: (taskId: string) => number,
  plannerTurns: number,
  latencyMs: number,
): number {
  const finish = new Map<string, number>();
  for (const t of tasks) {
    const start = Math.max(0, ...(t.dependencies ?? []).map((d) => finish.get(d) ?? 0));
    finish.set(t.id, start + turnsOf(t.id));
  }
  return (plannerTurns + Math.max(0, ...finish.values())) * latencyMs;
}

async function ensureCli(options: BenchOptions): Promise<void> {
  if (
    await access(CLI).then(
      () => true,
      () => false,
    )
  )
    return;
  options.log('end-to-end: dist/cli.js missing, building (node esbuild.mjs --production)');
  await promisify(execFile)(process.execPath, ['esbuild.mjs', '--production'], { cwd: REPO_ROOT, timeout: 300_000 });
}

/** One CLI run of a goal against the fake model; wall time from spawn to exit, and the bound. */
async function cliRun(
  goal: string,
  tasks: readonly ScriptedTask[],
  concurrency: number,
  latencyMs: number,
): Promise<{ wallMs: number; boundMs: number; requests: number; phases: PhaseRow[] }> {
  const server = await FakeModelServer.start({ respond: scriptedTeam(goal, tasks), latencyMs });
  const root = await mkdtemp(join(tmpdir(), 'ao-bench-e2e-'));
  try {
    await Promise.all(['home', 'state', 'ws'].map((d) => mkdir(join(root, d))));
    const ws = join(root, 'ws');
    await writeFile(join(ws, 'README.md'), '# Bench\n');
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    await git(ws, env, 'init', '-q', '-b', 'main');
    await git(ws, env, 'add', '.');
    await git(ws, env, 'commit', '-q', '-m', 'initial');
    const args = [
      CLI,
      'run',
      goal,
      '--json',
      '--approve',
      'auto',
      '--workspace',
      ws,
      '--state-dir',
      join(root, 'state'),
    ];
    args.push('--base-url', server.openAiBaseUrl, '--concurrency', String(concurrency));
    const started = performance.now();
    const spawnAt = Date.now();
    // BENCH_CPU_PROFILE_DIR=dir: the CLI writes a V8 CPU profile there (read it with scripts/cpuProfileSummary.mjs).
    const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
    if (profileDir) args.unshift('--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${resolve(profileDir)}`);
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const result = await collect(child);
    const wallMs = performance.now() - started;
    const exitAt = Date.now();
    const last = jsonLines(result.stdout).at(-1);
    if (result.code !== 0 || last?.status !== 'succeeded')
      throw new Error(
        `the CLI run of "${goal}" ended ${String(last?.status)} (exit ${result.code}): ${result.stderr.slice(-400)}`,
      );
    const turns = new Map<string, number>();
    for (const r of server.requests) {
      const id = taskOfRequest(r);
      if (id !== undefined) turns.set(id, (turns.get(id) ?? 0) + 1);
    }
    const plannerTurns = server.requests.filter(isPlannerRequest).length;
    const boundMs = modelTimeBoundMs(tasks, (id) => turns.get(id) ?? 0, plannerTurns, latencyMs);
    const [runId] = await readdir(join(root, 'state', 'runs'));
    const log = await readFile(join(root, 'state', 'runs', runId!, 'events.jsonl'), 'utf8');
    const events = log
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as PhaseEvent);
    const requests = server.requests.map((r) => ({
      taskId: taskOfRequest(r),
      receivedAt: r.receivedAt,
      finishedAt: r.finishedAt ?? r.receivedAt,
    }));
    const phases = phaseBreakdown({ spawnAt, exitAt, events, requests }, tasks);
    return { wallMs, boundMs, requests: server.requests.length, phases };
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** Runs per case in a full bench (the median is reported) and the warm-up run before them. */
const FULL_RUNS = 3;

/**
 * The CLI (dist/cli.js) on a six-task and a 16-task goal against the fake model: wall time / model-time bound.
 * One run of this machine's CLI varies by a tenth, so a full bench reports the median of three runs of
 * each case, after one discarded warm-up run (the first run after a build also writes the CLI's code cache).
 */
export const endToEndSection: BenchSection = {
  name: 'end-to-end',
  async run(options: BenchOptions): Promise<Figure[]> {
    await ensureCli(options);
    const latencyMs = options.quick ? 50 : 300;
    const runs = options.quick ? 1 : FULL_RUNS;
    const cases: Array<[string, readonly ScriptedTask[], number]> = [
      ['six tasks, three deep, concurrency 4', SIX, 4],
      ['16 independent tasks, concurrency 16', SIXTEEN, 16],
    ];
    if (!options.quick) await cliRun(`Bench: warm-up`, SIX, 4, latencyMs);
    const figures: Figure[] = [];
    for (const [label, tasks, concurrency] of cases) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await cliRun(`Bench: ${label}`, tasks, concurrency, latencyMs));
      results.sort((a, b) => a.wallMs / a.boundMs - b.wallMs / b.boundMs);
      const { wallMs, boundMs, requests, phases } = results[Math.floor(results.length / 2)]!;
      const ratio = wallMs / boundMs;
      const spread = results.map((r) => r.wallMs.toFixed(0)).join(', ');
      options.log(
        `end-to-end ${label}: ${wallMs.toFixed(0)} ms, bound ${boundMs.toFixed(0)} ms, ${ratio.toFixed(2)}× (runs: ${spread} ms)`,
      );
      for (const [phase, ms] of phases) options.log(`  ${phase}: ${ms.toFixed(0)} ms`);
      figures.push({
        benchmark: 'End to end',
        measure: `CLI run, ${label}, ${latencyMs} ms per model reply (${requests} requests)${runs > 1 ? `, median of ${runs} runs (${spread} ms)` : ''}`,
        value: round(wallMs),
        unit: 'ms',
        anchor: { name: 'model-time bound (critical path of turns × latency)', value: round(boundMs) },
        ratio: round(ratio),
        target: atMost(ratio, 1.2, '×'),
        command: COMMAND,
      });
    }
    return figures;
  },
};
