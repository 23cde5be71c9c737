import assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { applyRunEvent, emptyRunState, type RunState } from '../../../src/core/model/runState';
import type { RunSummary } from '../../../src/core/store/runStore';
import { summaryOf, type RunsChange } from '../../../src/host/views/runEntry';
import { RunsModel, type RunsSource } from '../../../src/host/views/runsModel';
import { EventBuilder, foldEvents, sampleRunEvents } from '../../support/eventBuilders';

/** A store stand-in: runs as event lists, with a lock flag per run. */
class FakeSource implements RunsSource {
  readonly runs = new Map<string, { events: RunEvent[]; locked: boolean }>();
  lists = 0;
  loads = 0;
  failList: Error | undefined;

  put(runId: string, events: RunEvent[], locked = false): void {
    this.runs.set(runId, { events, locked });
  }

  async list(): Promise<RunSummary[]> {
    this.lists++;
    if (this.failList) throw this.failList;
    return [...this.runs.entries()]
      .map(([runId, r]) => summaryOf(foldEvents(runId, r.events), r.locked))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async load(runId: string): Promise<{ state: RunState; warnings: string[] }> {
    this.loads++;
    const run = this.runs.get(runId);
    if (!run) throw new Error(`There is no run "${runId}".`);
    return { state: foldEvents(runId, run.events), warnings: [] };
  }
}

function recordChanges(model: RunsModel): RunsChange[] {
  const changes: RunsChange[] = [];
  model.onDidChange((c) => changes.push(c));
  return changes;
}

const HOUR = 3_600_000;

describe('RunsModel', () => {
  it('lists the store newest first and marks running runs without a live owner as interrupted', async () => {
    const source = new FakeSource();
    source.put('run-old', sampleRunEvents('run-old', 2, { startAt: Date.UTC(2025, 0, 1) }));
    const crashed = new EventBuilder('run-crashed', { startAt: Date.UTC(2025, 0, 2) });
    source.put('run-crashed', [
      crashed.created(),
      crashed.planReady([{ id: 'a', title: 'A' }]),
      crashed.taskStarted('a'),
    ]);
    const other = new EventBuilder('run-other', { startAt: Date.UTC(2025, 0, 3) });
    source.put('run-other', [other.created(), other.taskStarted('a')], true);
    const model = new RunsModel(source);
    const changes = recordChanges(model);

    await model.ensureLoaded();

    assert.deepEqual(
      model.runs().map((r) => r.runId),
      ['run-other', 'run-crashed', 'run-old'],
    );
    assert.deepEqual(
      model.runs().map((r) => r.status),
      ['elsewhere', 'interrupted', 'succeeded'],
    );
    assert.deepEqual(
      model.resumableRuns().map((r) => r.runId),
      ['run-crashed'],
    );
    assert.equal(model.activeRuns().length, 0);
    assert.equal(changes.at(-1)?.structural, true);
    await model.ensureLoaded();
    assert.equal(source.lists, 1, 'a second ensureLoaded does not list again');
  });

  it("shows a live run from the run's own state, announcing meaningful events only", async () => {
    const source = new FakeSource();
    const model = new RunsModel(source);
    await model.ensureLoaded();
    const changes = recordChanges(model);
    const b = new EventBuilder('run-live');
    const events = [
      b.created('Add auth'),
      b.planReady([
        { id: 'a', title: 'A' },
        { id: 'b', title: 'B', dependencies: ['a'] },
      ]),
      b.taskStarted('a'),
      b.log('thinking'),
      b.usage('a', 1000, 200, 0.02),
    ];
    const live = emptyRunState('run-live');
    const attachment = model.attachLive('run-live', () => live);

    for (const e of events) {
      // The session folds, then hands the event to its listeners.
      applyRunEvent(live, e);
      model.append(e);
      assert.equal(model.get('run-live')!.details, live, 'the live state itself, never a copy');
      assert.equal(model.get('run-live')!.summary.updatedAt, e.at, 'the summary follows the live state');
    }

    const entry = model.get('run-live')!;
    assert.equal(entry.status, 'running');
    assert.equal(entry.live, true);
    assert.equal(entry.details?.tasks.a?.status, 'running');
    assert.equal(entry.summary.usage.inputTokens, 1000);
    assert.deepEqual(
      model.activeRuns().map((r) => r.runId),
      ['run-live'],
    );
    assert.equal(
      changes.filter((c) => c.runIds.includes('run-live')).length,
      events.length,
      'attach plus every event but the log line',
    );

    const done = [b.taskSucceeded('a'), b.completed('succeeded', { succeeded: 1, pending: 1 })];
    for (const e of done) {
      applyRunEvent(live, e);
      model.append(e);
    }
    attachment.dispose();
    const ended = model.get('run-live')!;
    assert.equal(ended.status, 'succeeded');
    assert.equal(ended.live, false);
    assert.deepEqual(ended.details, live, 'the last state stays shown after the run ends');
    assert.notEqual(ended.details, live, '… as a copy: nothing of the ended session is held');
    assert.equal(model.activeRuns().length, 0);
    assert.equal(source.loads, 0, 'a live run is never read from the store');
  });

  it('folds nothing itself: an event shows only as far as the live state holds it', async () => {
    const model = new RunsModel(new FakeSource());
    await model.ensureLoaded();
    const b = new EventBuilder('run-n');
    const created = b.created('Only what the session folded');
    const live = foldEvents('run-n', [created]);
    model.attachLive('run-n', () => live);
    model.append(created);
    // The model is handed events the state does not hold (a listener never folds them itself).
    model.append(b.planReady([{ id: 'a', title: 'A' }]));
    model.append(b.usage('a', 5000, 500, 1));
    const entry = model.get('run-n')!;
    assert.equal(entry.details, live);
    assert.equal(entry.details?.plan, undefined);
    assert.equal(entry.summary.usage.inputTokens, 0);
    assert.equal(entry.summary.updatedAt, created.at);
  });

  it('reads a run whose events arrive without a live state from the store, one read at a time', async () => {
    const source = new FakeSource();
    const model = new RunsModel(source);
    await model.ensureLoaded();
    const b = new EventBuilder('run-u');
    const events = [b.created('Not attached'), b.planReady([{ id: 'a', title: 'A' }]), b.taskStarted('a')];
    source.put('run-u', events.slice(0, 1), true);
    model.append(events[0]!);
    source.put('run-u', events, true);
    model.append(events[1]!);
    model.append(events[2]!);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(source.loads, 2, 'one read, then one more for the events that came meanwhile');
    const entry = model.get('run-u')!;
    assert.equal(entry.live, false);
    assert.equal(entry.details?.lastSeq, 3, 'the store read, not a fold of the events');
    assert.equal(entry.status, 'elsewhere');
    assert.deepEqual(
      model.runs().map((r) => r.runId),
      ['run-u'],
    );
  });

  it('ignores the store while a session of this window runs the run, and returns to it afterwards', async () => {
    const source = new FakeSource();
    const b = new EventBuilder('run-s');
    const stored = [b.created(), b.planReady([{ id: 'a', title: 'A' }])];
    source.put('run-s', stored, true);
    const model = new RunsModel(source);
    await model.ensureLoaded();
    const live = foldEvents('run-s', stored);
    const attachment = model.attachLive('run-s', () => live);
    const started = b.taskStarted('a');
    applyRunEvent(live, started);
    model.append(started);
    // Another store state (older, locked) must not replace what the live session says.
    await model.refresh();
    assert.equal(await model.loadDetails('run-s'), live);
    assert.equal(model.get('run-s')!.status, 'running');
    assert.equal(source.loads, 0);

    attachment.dispose();
    const finished = [started, b.taskSucceeded('a'), b.completed('succeeded', { succeeded: 1 })];
    source.put('run-s', [...stored, ...finished], false);
    await model.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(model.get('run-s')!.status, 'succeeded', 'a run not live is read from the store');
    assert.equal(model.get('run-s')!.details?.tasks.a?.status, 'succeeded');
  });

  it('catches up from the live state when a resumed run starts past events it never saw', async () => {
    const source = new FakeSource();
    const b = new EventBuilder('run-r');
    const history = [
      b.created(),
      b.planReady([{ id: 'a', title: 'A' }]),
      b.taskStarted('a'),
      b.paused('Paused by the user.'),
      b.completed('succeeded'),
    ];
    // The stored run ended paused; the live session recovered that state and goes on from there.
    history[history.length - 1] = { ...history[history.length - 1]!, status: 'paused' } as RunEvent;
    source.put('run-r', history);
    const model = new RunsModel(source);
    await model.ensureLoaded();
    assert.equal(model.get('run-r')!.status, 'paused');
    assert.equal(model.get('run-r')!.details, undefined, 'details are not read until needed');

    const live = foldEvents('run-r', history);
    model.attachLive('run-r', () => live);
    const resumed = b.next({ type: 'run.resumed' });
    applyRunEvent(live, resumed);
    model.append(resumed);

    const entry = model.get('run-r')!;
    assert.equal(entry.status, 'running');
    assert.equal(entry.details?.plan?.tasks.length, 1, 'the plan came from the live state');
    assert.equal(entry.details?.lastSeq, resumed.seq);
  });

  it('loads details on demand once and keeps them when the store has nothing newer', async () => {
    const source = new FakeSource();
    source.put('run-a', sampleRunEvents('run-a', 3));
    const model = new RunsModel(source);
    await model.ensureLoaded();
    const [first, second] = await Promise.all([model.loadDetails('run-a'), model.loadDetails('run-a')]);
    assert.equal(first, second);
    assert.equal(Object.keys(first!.tasks).length, 3);
    assert.equal(source.loads, 1);
    await model.refresh();
    await model.loadDetails('run-a');
    assert.equal(source.loads, 1, 'unchanged runs are not read again on refresh');
    assert.equal(await model.loadDetails('run-missing'), undefined);
  });

  it('re-reads details of a run that changed in the store, and drops runs deleted from it', async () => {
    const source = new FakeSource();
    const b = new EventBuilder('run-a');
    const events = [b.created(), b.planReady([{ id: 'a', title: 'A' }]), b.taskStarted('a')];
    source.put('run-a', events, true);
    source.put('run-b', sampleRunEvents('run-b', 1, { startAt: Date.UTC(2024, 0, 1) }));
    const model = new RunsModel(source);
    await model.ensureLoaded();
    await model.loadDetails('run-a');
    assert.equal(model.get('run-a')!.status, 'elsewhere');

    source.put('run-a', [...events, b.taskSucceeded('a'), b.completed('succeeded', { succeeded: 1 })], false);
    source.runs.delete('run-b');
    const changes = recordChanges(model);
    await model.refresh();
    await new Promise((resolve) => setImmediate(resolve));

    assert.deepEqual(
      model.runs().map((r) => r.runId),
      ['run-a'],
    );
    assert.equal(model.get('run-a')!.status, 'succeeded');
    assert.equal(model.get('run-a')!.details?.tasks.a?.status, 'succeeded');
    assert.ok(changes.some((c) => c.structural));
  });

  it('notices when another window gives up a run it had listed as running elsewhere', async () => {
    const source = new FakeSource();
    const b = new EventBuilder('run-x');
    source.put('run-x', [b.created(), b.taskStarted('a')], true);
    const model = new RunsModel(source);
    await model.ensureLoaded();
    await model.loadDetails('run-x');
    source.runs.get('run-x')!.locked = false;
    await model.refresh();
    assert.equal(model.get('run-x')!.status, 'interrupted');
  });

  it('reports a failed listing as an error and recovers on the next refresh', async () => {
    const source = new FakeSource();
    source.failList = new Error('EACCES: permission denied');
    const model = new RunsModel(source);
    await model.ensureLoaded();
    assert.match(model.error ?? '', /EACCES/);
    assert.equal(model.loaded, true);
    source.failList = undefined;
    source.put('run-a', sampleRunEvents('run-a', 1));
    await model.refresh();
    assert.equal(model.error, undefined);
    assert.equal(model.runs().length, 1);
  });

  it('follows the active run for the status bar, else the newest run', async () => {
    const source = new FakeSource();
    source.put('run-new', sampleRunEvents('run-new', 1, { startAt: Date.now() }));
    const model = new RunsModel(source);
    await model.ensureLoaded();
    assert.equal(model.focusRun()?.runId, 'run-new');
    const b = new EventBuilder('run-live', { startAt: Date.now() - HOUR });
    const created = b.created();
    model.attachLive('run-live', () => foldEvents('run-live', [created]));
    model.append(created);
    assert.equal(model.focusRun()?.runId, 'run-live', 'an active run wins over a newer ended one');
  });
});
