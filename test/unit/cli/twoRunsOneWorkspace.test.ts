import assert from 'node:assert/strict';
import { readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORKSPACES_DIR } from '../../../src/core/store/workspaceLockInfo';
import { defaultWorkspaceLocksDir } from '../../../src/core/store/workspaceLocksDir';
import { appendGoal, appendingTeam, lineOf, SHARED_FILE } from '../../support/appendingTeam';
import {
  cliEnv,
  collect,
  jsonLines,
  readTree,
  spawnCli,
  useCliBundle,
  useSandbox,
  type CliRun,
} from '../../support/cliProcess';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const TRIALS = 5;

/** Waits, per task, until a condition over what the runs did so far holds. */
class Meeting {
  private readonly arrived = new Set<string>();
  private readonly exited = new Set<string>();
  private readonly waiting: Array<() => void> = [];

  /** Task `taskId` is about to read; resolves once `partner` is about to read too, or its process has exited. */
  async arrive(taskId: string, partner: string | undefined): Promise<void> {
    this.arrived.add(taskId);
    this.changed();
    if (partner === undefined) return;
    while (!this.arrived.has(partner) && !this.exited.has(partner))
      await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  exit(taskId: string): void {
    this.exited.add(taskId);
    this.changed();
  }

  private changed(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}

describe('checklist 32: two runs on one workspace never lose each other’s applied edits (real CLI processes)', function () {
  this.timeout(120_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  /** The per-user lock folder the CLI children see (HOME is inside the sandbox). */
  const locksOf = (root: string): string =>
    join(defaultWorkspaceLocksDir({ platform: process.platform, home: join(root, 'home') }), WORKSPACES_DIR);

  const runArgs = (taskId: string, ws: string, state: string): string[] => [
    'run',
    appendGoal(taskId),
    '--json',
    '--approve',
    'auto',
    '--workspace',
    ws,
    '--state-dir',
    state,
    '--base-url',
    server!.openAiBaseUrl,
  ];

  it(`${TRIALS} trials of two processes appending to one file, each with its own state folder: every applied edit stays, or the second run is refused by name`, async () => {
    const { root, ws } = sandbox();
    const realWs = await realpath(ws);
    await writeFile(join(ws, SHARED_FILE), 'base\n');
    const ids: Array<[string, string]> = Array.from({ length: TRIALS }, (_, i) => [`t${i + 1}-a`, `t${i + 1}-b`]);
    const partnerOf = new Map<string, string>(ids.flatMap(([a, b]) => [[a, b] as const, [b, a] as const]));
    const meeting = new Meeting();
    // Each task's read is held until the other run reads too (or gave up): without a shared lock both
    // would read the same text and the second write would drop the first one's line.
    server = await startServer({
      respond: appendingTeam(ids.flat(), (taskId) => meeting.arrive(taskId, partnerOf.get(taskId))),
    });
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const applied: string[] = [];
    let refusals = 0;
    for (const pair of ids) {
      const children = pair.map((taskId) => {
        const child = spawnCli(runArgs(taskId, ws, join(root, `state-${taskId}`)), env);
        child.stdin?.end();
        const done = collect(child).finally(() => meeting.exit(taskId));
        return { taskId, pid: child.pid, done };
      });
      const results: CliRun[] = await Promise.all(children.map((c) => c.done));
      const text = await readFile(join(ws, SHARED_FILE), 'utf8');
      results.forEach((r, i) => {
        const { taskId } = children[i]!;
        const other = children[1 - i]!;
        if (r.code === 0) {
          const edits = jsonLines(r.stdout).filter((e) => e.type === 'edit.applied' && e.path === SHARED_FILE);
          assert.equal(edits.length, 1, `${taskId} applied its edit`);
          applied.push(taskId);
          return;
        }
        refusals++;
        assert.equal(r.code, 2, `${taskId}: ${r.stderr}`);
        assert.match(
          r.stderr,
          new RegExp(
            `Run \\S+ was not started: Run \\S+ \\(pid ${other.pid}\\) is already running on this workspace \\(${realWs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\); wait for it or cancel it, then try again\\.`,
          ),
        );
        assert.ok(!text.includes(lineOf(taskId)), `${taskId} was refused, so nothing of it was written`);
      });
      assert.ok(
        results.some((r) => r.code === 0),
        `one run of ${pair.join(' and ')} went ahead`,
      );
      for (const taskId of applied)
        assert.ok(
          text.includes(`${lineOf(taskId)}\n`),
          `the line of ${taskId} is still there after ${pair.join(' and ')}:\n${text}`,
        );
      assert.equal(
        text,
        ['base', ...applied.map(lineOf)].join('\n') + '\n',
        'each applied line exactly once, in order',
      );
    }
    assert.ok(refusals > 0, 'the runs overlapped, so a lock had something to do');
    for (const taskId of ids.flat().filter((t) => !applied.includes(t))) {
      const left = await readTree(join(root, `state-${taskId}`));
      assert.deepEqual(
        left.map((f) => f.path),
        [],
        `the refused run ${taskId} left no run and no saved settings`,
      );
    }
    assert.deepEqual(await readdir(locksOf(root)), [], 'every workspace lock was released');
  });

  it('a lock left by a run killed with SIGKILL is taken over by the next run', async () => {
    const { root, ws } = sandbox();
    await writeFile(join(ws, SHARED_FILE), 'base\n');
    let reached: () => void = () => undefined;
    const killedRunReads = new Promise<void>((resolve) => (reached = resolve));
    let unblock: () => void = () => undefined;
    const never = new Promise<void>((resolve) => (unblock = resolve));
    server = await startServer({
      respond: appendingTeam(['k-dead', 'k-next'], async (taskId) => {
        if (taskId !== 'k-dead') return;
        reached();
        await never;
      }),
    });
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    try {
      const child = spawnCli(runArgs('k-dead', ws, join(root, 'state')), env);
      child.stdin?.end();
      const killed = collect(child);
      await killedRunReads;
      const held = (await readdir(locksOf(root))).sort();
      const lockName = held.find((name) => name.endsWith('.lock'));
      assert.ok(lockName, 'the running run holds a workspace lock (and markers on the folders above it)');
      const lockFile = join(locksOf(root), lockName);
      assert.equal((JSON.parse(await readFile(lockFile, 'utf8')) as { pid: number }).pid, child.pid);
      child.kill('SIGKILL');
      assert.equal((await killed).signal, 'SIGKILL');
      assert.deepEqual((await readdir(locksOf(root))).sort(), held, 'the killed run could not release its lock');

      const next = await collect(
        (() => {
          const c = spawnCli(runArgs('k-next', ws, join(root, 'state')), env);
          c.stdin?.end();
          return c;
        })(),
      );
      assert.equal(next.code, 0, next.stderr);
      assert.equal(await readFile(join(ws, SHARED_FILE), 'utf8'), `base\n${lineOf('k-next')}\n`);
      assert.deepEqual(await readdir(locksOf(root)), [], 'the next run released the lock it took over');
    } finally {
      unblock();
    }
  });
});
