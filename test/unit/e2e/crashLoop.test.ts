import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { cliEnv, git, jsonLines, readTree, runCli, useCliBundle } from '../../support/cliProcess';
import { crashFileContent, crashPlan, crashTeam, crashWorkspace } from '../../support/crashWorkload';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { seededRandom } from '../../support/fakeModelServer/seededRandom';
import { runKillable, type KillAim } from '../../support/killableCli';
import { soakReport, soakSize } from '../../support/soakScript';
import { taskOfRequest } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

interface Box {
  root: string;
  state: string;
  ws: string;
  counter: string;
  args: string[];
}

/** What went wrong after an invocation, by the promise it broke. */
interface Breaches {
  reran: string[];
  editedTwice: string[];
  askedTwice: string[];
  verifiedTwice: string[];
}

/** A temp file of an atomic workspace write (`.<name>.ao-write-<pid>-<12 hex>.tmp`). */
const WRITE_TEMP = /(^|\/)\.[^/]+\.ao-write-\d+-[0-9a-f]{12}\.tmp$/;

/** The workspace without `.git` (its objects carry times) and without write temp files, as path → content; and those temp files. */
async function workspaceFiles(ws: string): Promise<{ files: Record<string, string>; temps: string[] }> {
  const files: Record<string, string> = {};
  const temps: string[] = [];
  for (const f of await readTree(ws)) {
    const path = relative(ws, f.path);
    if (path.startsWith('.git/')) continue;
    if (WRITE_TEMP.test(path)) temps.push(path);
    else files[path] = f.content;
  }
  return { files, temps };
}

/** Checks the durable log, the workspace and the verification counter against the run's exactly-once promises. */
async function breaches(box: Box, runId: string, taskIds: readonly string[]): Promise<Breaches> {
  const { events } = await readEventLog(join(box.state, 'runs', runId, 'events.jsonl'));
  const out: Breaches = { reran: [], editedTwice: [], askedTwice: [], verifiedTwice: [] };
  const succeeded = new Map<string, number>();
  const decided = new Map<string, number>();
  for (const e of events as RunEvent[]) {
    if (e.type === 'task.succeeded') {
      if (succeeded.has(e.taskId)) out.reran.push(`${e.taskId} succeeded twice`);
      succeeded.set(e.taskId, e.seq);
    }
    if (e.type === 'task.started' && succeeded.has(e.taskId)) out.reran.push(`${e.taskId} started after it succeeded`);
    if (e.type === 'approval.decided') {
      if (decided.has(e.approvalId)) out.askedTwice.push(`${e.approvalId} decided twice`);
      decided.set(e.approvalId, e.seq);
    }
    if (e.type === 'approval.requested' && decided.has(e.approvalId))
      out.askedTwice.push(`${e.approvalId} requested again after it was decided`);
  }
  const journal = (await readFile(join(box.ws, 'journal.md'), 'utf8')).split('\n');
  for (const id of taskIds) {
    const lines = journal.filter((l) => l === `- ${id}`).length;
    if (lines > 1) out.editedTwice.push(`journal.md has ${lines} lines of ${id}`);
    const own = await readFile(join(box.ws, 'files', `${id}.txt`), 'utf8').catch(() => undefined);
    if (own !== undefined && own !== crashFileContent(id))
      out.editedTwice.push(`files/${id}.txt is neither absent nor whole (${own.length} characters)`);
  }
  for (const [gate, n] of (await verificationCounts(box.counter)).ends)
    if (n > 1) out.verifiedTwice.push(`${gate} ran to the end ${n} times`);
  return out;
}

/**
 * The verification script's counter: how often each gate started and ran to the end. A task's gate
 * is one logical verification per task and step key (the key holds the fingerprint of the files it
 * checks), whatever the attempt: a resumed attempt must replay a completed one, not run it again.
 */
async function verificationCounts(file: string): Promise<{ starts: number; ends: Map<string, number> }> {
  const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n');
  const ends = new Map<string, number>();
  for (const line of lines.filter((l) => l.startsWith('end '))) {
    const words = line.slice(4).split(' ');
    const gate = ['baseline', 'run-gate'].includes(words[0]!)
      ? words.join(' ')
      : [words[0], ...words.slice(2)].join(' ');
    ends.set(gate, (ends.get(gate) ?? 0) + 1);
  }
  return { starts: lines.filter((l) => l.startsWith('start ')).length, ends };
}

describe('crash loop: SIGKILL the CLI at random points, mid-write and mid-snapshot, resume each time', function () {
  const { kills, seed } = soakSize();
  const taskCount = kills + 3;
  this.timeout(60_000 + kills * 10_000);
  useCliBundle();
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  let leftoverTemps: string[] | undefined;
  let verifiedTwice: string[] | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  /** A sandbox with a git workspace, the plan file, the verification script and the CLI arguments. */
  async function makeBox(url: string): Promise<Box> {
    const root = await mkdtemp(join(tmpdir(), 'ao-crash-'));
    dirs.push(root);
    const box = { root, state: join(root, 'state'), ws: join(root, 'ws'), counter: join(root, 'verify-counter.log') };
    await Promise.all([mkdir(box.state), mkdir(box.ws), mkdir(join(root, 'home'))]);
    const script = await crashWorkspace(box.ws, root, box.state, box.counter);
    const env = cliEnv(root);
    await git(box.ws, env, 'init', '-q', '-b', 'main');
    await git(box.ws, env, 'add', '-A');
    await git(box.ws, env, 'commit', '-q', '-m', 'initial');
    const planFile = join(root, 'plan.json');
    await writeFile(planFile, JSON.stringify(crashPlan(taskCount)));
    const common = ['--json', '--approve', 'auto', '--state-dir', box.state];
    return {
      ...box,
      args: [
        'run',
        '--plan',
        planFile,
        ...common,
        '--concurrency',
        '1',
        '--verify',
        `node ${script}`,
        '--workspace',
        box.ws,
        '--base-url',
        url,
      ],
    };
  }

  it(`survives ${kills} kills of a ${taskCount}-task run with edits, verification and approvals: nothing completed repeats, the workspace equals an uninterrupted run's`, async () => {
    server = await startServer({ respond: crashTeam });
    const taskIds = crashPlan(taskCount).tasks.map((t) => String(t.id));
    const env = (box: Box): NodeJS.ProcessEnv =>
      cliEnv(box.root, { OPENAI_API_KEY: server!.apiKey, AGENT_ORCHESTRATOR_SNAPSHOT_EVERY: '10' });

    // The reference: the same plan, never interrupted, run alongside the crash loop.
    const reference = await makeBox(server.openAiBaseUrl);
    const started = Date.now();
    let referenceSeconds = 0;
    const plainRun = runCli(reference.args, env(reference)).then((r) => {
      referenceSeconds = (Date.now() - started) / 1000;
      return r;
    });

    const box = await makeBox(server.openAiBaseUrl);
    const random = seededRandom(seed);
    const aims: KillAim[] = ['random', 'mid-write', 'random', 'mid-snapshot'];
    const landed: Record<KillAim, { tried: number; inside: number; byTrigger: number }> = {
      random: { tried: 0, inside: 0, byTrigger: 0 },
      'mid-write': { tried: 0, inside: 0, byTrigger: 0 },
      'mid-snapshot': { tried: 0, inside: 0, byTrigger: 0 },
    };
    const found: Breaches = { reran: [], editedTwice: [], askedTwice: [], verifiedTwice: [] };
    const seenBreaches = new Set<string>();
    let runId: string | undefined;
    let survived = 0;
    let finished: Awaited<ReturnType<typeof runKillable>> | undefined;
    for (let invocation = 0; invocation < kills * 3 && !finished; invocation++) {
      const aim = survived < kills ? aims[survived % aims.length]! : 'random';
      const args =
        runId === undefined ? box.args : ['resume', runId, '--json', '--approve', 'auto', '--state-dir', box.state];
      const outcome = await runKillable(args, env(box), {
        aim,
        // Past the last kill the run goes to the end.
        afterEvents:
          survived < kills ? 2 + Math.floor(random() * (aim === 'random' ? 40 : 80)) : Number.MAX_SAFE_INTEGER,
        delayMs: Math.floor(random() * 30),
        // A run killed before its plan is durable has nothing to resume; the baseline is durable before any task starts.
        startType: runId === undefined ? 'verification.baseline' : 'run.resumed',
        writeDir: join(box.ws, 'files'),
        runsDir: join(box.state, 'runs'),
        ...(runId === undefined ? {} : { runDir: join(box.state, 'runs', runId) }),
      });
      runId ??= outcome.runId;
      assert.ok(runId, `the first invocation printed its run id: ${outcome.result.stderr}`);
      if (outcome.killed) {
        survived++;
        landed[aim].tried++;
        if (outcome.trigger !== 'events') landed[aim].byTrigger++;
        if (outcome.landedInside) landed[aim].inside++;
      } else {
        const failedTask = /failed\s+(\S+):/.exec(outcome.result.stderr)?.[1];
        const told: string[] = server.requests
          .filter((r) => failedTask !== undefined && taskOfRequest(r) === failedTask)
          .slice(-1)
          .flatMap((r) => (r.body as { messages?: Array<{ role: string; content?: unknown }> }).messages ?? [])
          .filter((m) => m.role === 'tool')
          .map((m) => String(m.content).slice(0, 300));
        assert.equal(
          outcome.result.code,
          0,
          `invocation ${invocation} ended without a kill: ${outcome.result.stderr}\nlast tool results: ${told.join('\n')}`,
        );
        finished = outcome;
      }
      // After every invocation: the durable log, the workspace and the counter keep the promises.
      const now = await breaches(box, runId, taskIds);
      for (const k of Object.keys(found) as Array<keyof Breaches>)
        for (const b of now[k])
          if (!seenBreaches.has(b)) {
            seenBreaches.add(b);
            found[k].push(`${b} (after invocation ${invocation})`);
          }
    }
    const plain = await plainRun;
    assert.equal(plain.code, 0, plain.stderr);
    const expected = await workspaceFiles(reference.ws);
    assert.equal(
      Object.keys(expected.files).length,
      taskCount + 2,
      'journal.md, files/README.md and one file per task',
    );
    const crashed = await workspaceFiles(box.ws);
    leftoverTemps = crashed.temps;
    const verified = await verificationCounts(box.counter);
    const gates = [...verified.ends.keys()];
    for (const id of taskIds)
      assert.ok(
        gates.some((g) => g.startsWith(`${id} verify:`)),
        `task ${id}'s gate ran: ${gates.join('; ')}`,
      );
    assert.ok(
      gates.includes('baseline') && gates.includes('run-gate 1'),
      `baseline and run gate ran: ${gates.join('; ')}`,
    );
    const { events } = await readEventLog(join(box.state, 'runs', runId!, 'events.jsonl'));
    const count = (type: string): number => events.filter((e) => e.type === type).length;
    soakReport(
      `verification runs ${verified.starts} started, ${[...verified.ends.values()].reduce((a, b) => a + b, 0)} ended ` +
        `over ${gates.length} gates; ${count('approval.decided')} approvals decided, ${count('edit.applied')} edits applied`,
    );
    soakReport(
      `${survived} kills survived over ${taskCount} tasks (reference run ${referenceSeconds.toFixed(1)} s, ` +
        `crash loop ${((Date.now() - started) / 1000).toFixed(1)} s); temp files left ${JSON.stringify(crashed.temps)}; by aim ${JSON.stringify(landed)}; breaches ${JSON.stringify(found)}`,
    );
    assert.ok(finished, `the run finished after ${survived} kills`);
    assert.ok(survived >= kills, `${survived} kills landed while the run was running (wanted ${kills})`);
    assert.equal(jsonLines(finished.result.stdout).at(-1)?.status, 'succeeded');
    assert.deepEqual(found.reran, [], 'no completed task ran again');
    assert.deepEqual(found.editedTwice, [], 'no edit was applied twice, none was left half-written');
    assert.deepEqual(found.askedTwice, [], 'no approval was asked again once decided');
    verifiedTwice = found.verifiedTwice;
    assert.deepEqual(crashed.files, expected.files, "the workspace equals the uninterrupted run's");
    assert.deepEqual(expected.temps, []);
  });

  it('runs no verification again that ran to the end before a kill (checklist 18)', () => {
    assert.ok(verifiedTwice !== undefined, 'the crash loop above ran');
    assert.deepEqual(verifiedTwice, [], 'no verification that ran to the end ran again');
  });

  it('leaves no temp file of an interrupted write in the workspace (checklist 33)', () => {
    assert.ok(leftoverTemps !== undefined, 'the crash loop above ran');
    assert.deepEqual(leftoverTemps, []);
  });
});
