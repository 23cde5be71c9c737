import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TaskFailure } from '../../../src/core/model/failure';
import type { RunState } from '../../../src/core/model/runState';
import type { RunStorePort, RunWriterPort } from '../../../src/core/run/orchestratorPorts';
import { RunStore } from '../../../src/core/store/runStore';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

const SRC = join(__dirname, '..', '..', '..', 'src');

/** The real store, remembering which state object each writer was built on. */
function watchedStore(real: RunStore): { store: RunStorePort; writerStates: Array<Readonly<RunState>> } {
  const writerStates: Array<Readonly<RunState>> = [];
  const remember = <W extends RunWriterPort & { state: Readonly<RunState> }>(writer: W): W => {
    writerStates.push(writer.state);
    return writer;
  };
  return {
    writerStates,
    store: {
      create: async (runId, state) => remember(await real.create(runId, state)),
      open: async (runId) => {
        const opened = await real.open(runId);
        remember(opened.writer);
        return opened;
      },
    },
  };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** A live run's events are folded once, by its session, into the state the store snapshots and views read. */
describe('run state: one fold for a live run', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-fold-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the store snapshots the handle state itself, on start and on resume, and the snapshot equals it', async () => {
    let needHuman = true;
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      if (ctx.task.id === 'b' && needHuman) throw new TaskFailure('approval needed', 'needs-human');
      return {};
    });
    const real = new RunStore({ root: dir });
    const { store, writerStates } = watchedStore(real);
    const { orchestrator } = makeHarness({ agents: [agent], store, settings: { maxConcurrency: 1 } });

    const started = orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b', { dependencies: ['a'] })]) });
    const first = await started.done;
    assert.equal(first.status, 'paused');
    assert.equal(writerStates[0], started.state, 'create got the handle state, not a copy');
    assert.deepEqual((await real.load(started.runId)).state, started.state, 'the final snapshot is that state');

    needHuman = false;
    const resumed = await orchestrator.resume(started.runId);
    assert.equal(writerStates[1], resumed.state, 'open handed out the state the session folds');
    assert.equal((await resumed.done).status, 'succeeded');
    assert.deepEqual((await real.load(started.runId)).state, resumed.state);
  });

  it('listeners see each event already folded into the handle state', async () => {
    const seen: Array<[number, number]> = [];
    const watched: { state?: Readonly<RunState> } = {};
    const { orchestrator } = makeHarness({
      agents: [testAgent({ id: 'coder', capabilities: ['code'] }, async () => ({}))],
    });
    orchestrator.onEvent((e) => seen.push([e.seq, watched.state?.lastSeq ?? -1]));
    orchestrator.onEvent(() => {
      throw new Error('a broken view');
    });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a')]) });
    watched.state = handle.state;
    await handle.done;
    assert.ok(seen.length > 5);
    for (const [seq, folded] of seen) assert.equal(folded, seq, `event ${seq} reached a listener before it was folded`);
    assert.equal(handle.state.status, 'succeeded', 'a throwing listener never stops the run');
  });

  // A person's action on an ended run (the whole-run review) is recorded by recordOnEndedRun, which
  // holds the run's lock and folds before each append like the session; no run is live then.
  it('src has one applyRunEvent call for live runs (the session), one for recovery from disk, and one for an action on an ended run', () => {
    const callers = sourceFiles(SRC)
      .filter((file) => !file.endsWith(join('model', 'runState.ts')))
      .filter((file) => /\bapplyRunEvent\s*\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file).split('\\').join('/'))
      .sort();
    assert.deepEqual(callers, ['core/run/runSession.ts', 'core/store/recordOnEndedRun.ts', 'core/store/recovery.ts']);
    const sessionCalls = readFileSync(join(SRC, 'core/run/runSession.ts'), 'utf8').match(/\bapplyRunEvent\s*\(/g);
    assert.equal(sessionCalls?.length, 1);
  });
});
