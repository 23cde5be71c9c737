import assert from 'node:assert/strict';
import { timelineOf } from '../../../src/host/panel/timelineOf';
import { parseHostMessage } from '../../../src/protocol/messages';
import type { TimelineView } from '../../../src/protocol/timeline';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

const scrub = (text: string): string => text.split('sk-secret-123456').join('[redacted]');
const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

/** A run where a coder with two slots runs a, b, c and d in turn, and a tester runs e. Times in seconds. */
function sampleRun() {
  const b = new EventBuilder('run-1', { startAt: T0, stepMs: 1000 });
  const events = [
    b.created('g'),
    b.planReady(['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, title: `Task ${id}` }))),
    b.taskStarted('a'), // t=3
    b.taskStarted('b'), // t=4
    b.taskSucceeded('a'), // t=5: slot 1 free
    b.next({
      type: 'task.waited',
      taskId: 'c',
      attempt: 1,
      kind: 'lock',
      startedAt: T0 + 3500,
      durationMs: 2500,
      detail: 'src/x.ts',
    }), // t=6
    b.taskStarted('c'), // t=7: takes slot 1 again
    b.attemptFailed('b'), // t=8
    b.next({
      type: 'task.waited',
      taskId: 'c',
      attempt: 1,
      kind: 'rateLimit',
      startedAt: T0 + 7200,
      durationMs: 1500,
      detail: 'openai/gpt sk-secret-123456',
    }), // t=9
    b.taskStarted('d'), // t=10: slot 2 is free again
    b.taskStarted('e', 'tester'), // t=11
    b.taskStarted('b', 'coder', 2), // t=12: both coder slots busy → a third lane
  ];
  return foldEvents('run-1', events);
}

describe('run panel timeline (timelineOf)', () => {
  it('puts attempts in the lowest free lane of their agent', () => {
    const view = timelineOf(sampleRun(), scrub);
    const lane = (taskId: string, attempt = 1): string => {
      const s = view.segments.find((x) => x.kind === 'attempt' && x.taskId === taskId && x.attempt === attempt)!;
      return view.lanes[s.lane]!.label;
    };
    assert.equal(lane('a'), 'coder #1');
    assert.equal(lane('b'), 'coder #2');
    assert.equal(lane('c'), 'coder #1', 'a finished, so c reuses its lane');
    assert.equal(lane('d'), 'coder #2', 'b failed at t=8, so d reuses its lane');
    assert.equal(lane('b', 2), 'coder #3', 'c and d still run: a third lane');
    assert.equal(lane('e'), 'tester #1');
    const running = view.segments.filter((s) => s.kind === 'attempt' && s.end === undefined).map((s) => s.taskId);
    assert.deepEqual(running.sort(), ['b', 'c', 'd', 'e']);
    assert.equal(view.segments.find((s) => s.taskId === 'a')?.outcome, 'succeeded');
    assert.equal(view.segments.find((s) => s.taskId === 'b' && s.attempt === 1)?.outcome, 'failed');
  });

  it('draws waits as their own segments: inside an attempt on its lane, before a start on a waiting lane', () => {
    const view = timelineOf(sampleRun(), scrub);
    const rate = view.segments.find((s) => s.kind === 'rateLimit')!;
    const attemptC = view.segments.find((s) => s.kind === 'attempt' && s.taskId === 'c')!;
    assert.equal(rate.lane, attemptC.lane);
    assert.deepEqual([rate.start, rate.end], [T0 + 7200, T0 + 8700]);
    assert.equal(rate.detail, 'openai/gpt [redacted]');
    const lock = view.segments.find((s) => s.kind === 'lock')!;
    assert.equal(view.lanes[lock.lane]!.label, 'coder waiting #1');
    assert.equal(view.lanes[lock.lane]!.kind, 'queue');
    assert.deepEqual([lock.start, lock.end, lock.agentId], [T0 + 3500, T0 + 6000, 'coder']);
  });

  it('orders lanes by agent, slots before waiting lanes, and passes the protocol', () => {
    const view = timelineOf(sampleRun(), scrub);
    assert.deepEqual(
      view.lanes.map((l) => l.label),
      ['coder #1', 'coder #2', 'coder #3', 'coder waiting #1', 'tester #1'],
    );
    assert.deepEqual(
      view.lanes.map((l) => l.index),
      [0, 1, 2, 3, 4],
    );
    assert.equal(parseHostMessage({ type: 'timeline', timeline: view }).ok, true);
  });

  it('never needs more slot lanes than the agent runs at once, for 1,000 attempts', () => {
    const b = new EventBuilder('run-big', { startAt: T0, stepMs: 10 });
    const events = [b.created('g'), b.planReady([{ id: 'seed', title: 'seed' }])];
    const open: string[] = [];
    let maxOpen = 0;
    for (let i = 0; i < 1000; i++) {
      const id = `t${i}`;
      events.push(b.taskStarted(id));
      open.push(id);
      maxOpen = Math.max(maxOpen, open.length);
      // Finish some, in a scrambled order, so lanes free up out of order.
      while (open.length > 3 + (i % 4)) events.push(b.taskSucceeded(open.splice((i * 7) % open.length, 1)[0]!));
    }
    const view: TimelineView = timelineOf(foldEvents('run-big', events), scrub);
    assert.equal(view.segments.length, 1000);
    assert.equal(view.lanes.length, maxOpen);
    // No two segments of one lane overlap.
    for (const lane of view.lanes) {
      const bars = view.segments.filter((s) => s.lane === lane.index).sort((x, y) => x.start - y.start);
      for (let i = 1; i < bars.length; i++) assert.ok((bars[i - 1]!.end ?? Infinity) <= bars[i]!.start);
    }
  });

  it('shows an empty timeline for a run that has not started a task', () => {
    const b = new EventBuilder('run-2');
    const view = timelineOf(foldEvents('run-2', [b.created('g')]), scrub);
    assert.deepEqual(view, { runId: 'run-2', lanes: [], segments: [] });
  });
});
