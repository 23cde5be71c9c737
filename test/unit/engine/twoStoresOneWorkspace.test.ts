import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { systemClock } from '../../../src/core/common/clock';
import { assembleEngine, type Engine } from '../../../src/core/engine/assembleEngine';
import { createEngineServices, type EngineServices } from '../../../src/core/engine/engineServices';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import { WorkspaceBusyError, WORKSPACES_DIR } from '../../../src/core/store/workspaceLockInfo';
import { appendGoal, appendingTeam, lineOf, SHARED_FILE } from '../../support/appendingTeam';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { useFakeModelServer } from '../../support/useFakeModelServer';

/** A promise that resolves when `open()` is called. */
function gate(): { wait: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('checklist 17: two engines with their own store folders on one workspace never lose each other’s updates', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  const engines: Engine[] = [];
  /** Held before a task's read, by task id. */
  const holds = new Map<string, { reached: () => void; release: Promise<void> }>();
  /** Releases every hold, so a failed test leaves no run waiting. */
  const releases: Array<() => void> = [];

  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-two-stores-')));
    ws = join(dir, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, SHARED_FILE), 'base\n');
    server = await startServer({
      respond: appendingTeam(['w1', 'w2', 'w1-second'], async (taskId) => {
        const hold = holds.get(taskId);
        hold?.reached();
        await hold?.release;
      }),
    });
  });
  afterEach(async () => {
    for (const release of releases.splice(0)) release();
    for (const engine of engines.splice(0)) engine.dispose();
    holds.clear();
    await rm(dir, { recursive: true, force: true });
  });

  /** The services of one window: its own store folder; the per-user lock folder is the same for all. */
  function windowServices(name: string): EngineServices {
    return createEngineServices({
      storeDir: join(dir, `${name}-storage`),
      workspaceLocksDir: join(dir, 'locks'),
      clock: systemClock,
      rateLimits: () => undefined,
      warn: () => undefined,
    });
  }

  async function engineOn(services: EngineServices): Promise<Engine> {
    const engine = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: { decideEdit: async () => ({ decision: 'accepted', by: 'auto' }) },
      keys: { get: async (p) => (p === 'openai' ? server.apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'openai', baseUrl: server.openAiBaseUrl } },
      services,
      warn: () => undefined,
    });
    engines.push(engine);
    return engine;
  }

  /** Holds task `taskId` before its read until the returned `release()`; `reached` resolves when it gets there. */
  function holdRead(taskId: string): { reached: Promise<void>; release(): void } {
    const reached = gate();
    const release = gate();
    holds.set(taskId, { reached: reached.open, release: release.wait });
    releases.push(release.open);
    return { reached: reached.wait, release: release.open };
  }

  it('the second window’s run is refused while the first edits, and runs after it: both edits stay, each store keeps its own run', async () => {
    const first = windowServices('window-1');
    const second = windowServices('window-2');
    const [engine1, engine2] = [await engineOn(first), await engineOn(second)];
    const held = holdRead('w1');
    const run1 = engine1.orchestrator.start({ goal: appendGoal('w1') });
    await held.reached;

    const refused = engine2.orchestrator.start({ goal: appendGoal('w2') });
    await assert.rejects(refused.done, (err: unknown) => {
      assert.ok(err instanceof WorkspaceBusyError);
      assert.equal(
        err.message,
        `Run ${run1.runId} (pid ${process.pid}, this process) is already running on this workspace (${ws}); wait for it or cancel it, then try again.`,
      );
      return true;
    });
    assert.deepEqual(await second.store.list(), [], 'the refused run was never created');

    held.release();
    assert.equal((await run1.done).status, 'succeeded');
    const run2 = engine2.orchestrator.start({ goal: appendGoal('w2') });
    assert.equal((await run2.done).status, 'succeeded');

    assert.equal(await readFile(join(ws, SHARED_FILE), 'utf8'), `base\n${lineOf('w1')}\n${lineOf('w2')}\n`);
    assert.deepEqual(
      (await first.store.list()).map((r) => [r.runId, r.status]),
      [[run1.runId, 'succeeded']],
    );
    assert.deepEqual(
      (await second.store.list()).map((r) => [r.runId, r.status]),
      [[run2.runId, 'succeeded']],
    );
    assert.deepEqual(await readdir(join(dir, 'locks', WORKSPACES_DIR)), [], 'the workspace lock was released');
  });

  it('resuming a paused run in the second window is refused while the first edits, and leaves that run as it was', async () => {
    const first = windowServices('window-1');
    const second = windowServices('window-2');
    const [engine1, engine2] = [await engineOn(first), await engineOn(second)];
    const paused = await engine2.orchestrator.start({ goal: appendGoal('w2'), budget: { maxTokens: 1 } }).done;
    assert.equal(paused.status, 'paused', 'a one-token budget pauses the run before its first request');
    const before = await readFile(join(dir, 'window-2-storage', 'runs', paused.runId, 'events.jsonl'), 'utf8');

    const held = holdRead('w1');
    const run1 = engine1.orchestrator.start({ goal: appendGoal('w1') });
    await held.reached;
    await assert.rejects(
      engine2.orchestrator.resume(paused.runId, { budget: { maxTokens: 1_000_000 } }),
      new RegExp(`^WorkspaceBusyError: Run ${run1.runId} \\(pid ${process.pid}, this process\\) is already running`),
    );
    assert.equal(
      await readFile(join(dir, 'window-2-storage', 'runs', paused.runId, 'events.jsonl'), 'utf8'),
      before,
      'the refused resume recorded nothing',
    );
    held.release();
    assert.equal((await run1.done).status, 'succeeded');

    const resumed = await engine2.orchestrator.resume(paused.runId, { budget: { maxTokens: 1_000_000 } });
    assert.equal((await resumed.done).status, 'succeeded');
    assert.equal(await readFile(join(ws, SHARED_FILE), 'utf8'), `base\n${lineOf('w1')}\n${lineOf('w2')}\n`);
  });

  it('two engines on the same services (a window’s old and new engine) share the lock and the path locks: both edits stay', async () => {
    const services = windowServices('window-1');
    const [engine1, engine1b] = [await engineOn(services), await engineOn(services)];
    const held = holdRead('w1');
    const run1 = engine1.orchestrator.start({ goal: appendGoal('w1') });
    await held.reached;
    // Started while the first holds shared.txt: it is not refused, it waits for the file's path lock.
    const run2 = engine1b.orchestrator.start({ goal: appendGoal('w1-second') });
    const [lockName] = await readdir(join(dir, 'locks', WORKSPACES_DIR));
    assert.ok(lockName);
    const lockFile = join(dir, 'locks', WORKSPACES_DIR, lockName);
    await waitFor(async () => (JSON.parse(await readFile(lockFile, 'utf8')) as { runs: string[] }).runs.length === 2);
    held.release();
    assert.equal((await run1.done).status, 'succeeded');
    assert.equal((await run2.done).status, 'succeeded');
    assert.equal(await readFile(join(ws, SHARED_FILE), 'utf8'), `base\n${lineOf('w1')}\n${lineOf('w1-second')}\n`);
    assert.deepEqual(await readdir(join(dir, 'locks', WORKSPACES_DIR)), []);
  });
});

/** Polls until `check` holds (no time limit here: mocha's timeout ends a test that never gets there). */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}
