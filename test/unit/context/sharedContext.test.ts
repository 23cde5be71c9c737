import assert from 'node:assert/strict';
import { SharedContext } from '../../../src/core/context/sharedContext';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { applyRunEvent, emptyRunState, type ContextRecord } from '../../../src/core/model/runState';
import { ManualClock } from '../../support/manualClock';

function setup() {
  const clock = new ManualClock(1_000);
  const events: RunEventBody[] = [];
  const ctx = new SharedContext(clock, (e) => events.push(e));
  return { clock, events, ctx };
}

describe('SharedContext', () => {
  it('shares `shared` entries with every agent', () => {
    const { ctx } = setup();
    ctx.set('api', { base: '/v1' }, { scope: 'shared', agentId: 'planner' });
    assert.deepEqual(ctx.get('api', 'coder'), { base: '/v1' });
    assert.deepEqual(ctx.get('api', 'tester'), { base: '/v1' });
  });

  it('shows a private entry only to its writer, ahead of the shared one', () => {
    const { ctx } = setup();
    ctx.set('notes', 'shared notes', { scope: 'shared', agentId: 'planner' });
    ctx.set('notes', 'my notes', { scope: 'private', agentId: 'coder' });
    assert.equal(ctx.get('notes', 'coder'), 'my notes');
    assert.equal(ctx.get('notes', 'tester'), 'shared notes');
    assert.deepEqual(ctx.keys('tester'), ['notes']);
    ctx.set('scratch', 1, { scope: 'private', agentId: 'coder' });
    assert.deepEqual(ctx.keys('coder'), ['notes', 'scratch']);
    assert.deepEqual(ctx.keys('tester'), ['notes']);
    assert.equal(
      ctx.delete('scratch', { scope: 'private', agentId: 'tester' }),
      false,
      'another agent cannot delete it',
    );
    assert.equal(ctx.get('scratch', 'coder'), 1);
  });

  it('expires temporary entries after their TTL, then the shared value shows again', async () => {
    const { ctx, clock, events } = setup();
    ctx.set('status', 'idle', { scope: 'shared', agentId: 'a' });
    ctx.set('status', 'building', { scope: 'temporary', agentId: 'a', ttlMs: 30_000 });
    assert.equal(ctx.get('status', 'b'), 'building');
    await clock.advance(29_999);
    assert.equal(ctx.get('status', 'b'), 'building');
    await clock.advance(1);
    assert.equal(ctx.get('status', 'b'), 'idle');
    ctx.set('lock', true, { scope: 'temporary', agentId: 'a', ttlMs: 10 });
    await clock.advance(10);
    assert.deepEqual(ctx.keys('a'), ['status']);
    assert.equal(events[1]?.type === 'context.changed' && events[1].expiresAt, 31_000);
  });

  it('copies values in and out, so nobody changes an entry behind the context', () => {
    const { ctx } = setup();
    const value = { files: ['a.ts'] };
    ctx.set('plan', value, { scope: 'shared', agentId: 'a' });
    value.files.push('evil.ts');
    const out = ctx.get('plan', 'b') as { files: string[] };
    out.files.push('also-evil.ts');
    assert.deepEqual(ctx.get('plan', 'c'), { files: ['a.ts'] });
  });

  it('refuses values that are not JSON with an error naming the path', () => {
    const { ctx, events } = setup();
    const opts = { scope: 'shared', agentId: 'a' } as const;
    assert.throws(
      () => ctx.set('f', { run: () => 1 } as never, opts),
      /context value "f" is not JSON: \$\.run is a function/,
    );
    assert.throws(() => ctx.set('u', undefined as never, opts), /is undefined\. To remove an entry call delete\(\)/);
    assert.throws(() => ctx.set('n', { deep: [1, Number.NaN] }, opts), /\$\.deep\[1\] is NaN/);
    assert.throws(() => ctx.set('d', new Date(0) as never, opts), /a Date.*toISOString/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => ctx.set('c', cyclic as never, opts), /circular reference/);
    assert.equal(events.length, 0);
  });

  it('refuses bad scopes, TTLs, keys and missing agents', () => {
    const { ctx } = setup();
    assert.throws(() => ctx.set('k', 1, { scope: 'global' as never, agentId: 'a' }), /Unknown context scope "global"/);
    assert.throws(() => ctx.set('k', 1, { scope: 'temporary', agentId: 'a' }), /needs ttlMs/);
    assert.throws(
      () => ctx.set('k', 1, { scope: 'shared', agentId: 'a', ttlMs: 5 }),
      /ttlMs only applies to the "temporary" scope/,
    );
    assert.throws(() => ctx.set('', 1, { scope: 'shared', agentId: 'a' }), /non-empty string/);
    assert.throws(() => ctx.get('k', ''), /needs the id of the agent/);
  });

  it('emits context.changed for every change, which folds back into the run state', () => {
    const { ctx, events } = setup();
    ctx.set('a', 1, { scope: 'shared', agentId: 'x' });
    ctx.set('b', 2, { scope: 'private', agentId: 'x' });
    ctx.set('c', 3, { scope: 'temporary', agentId: 'x', ttlMs: 100 });
    assert.equal(ctx.delete('a', { scope: 'shared', agentId: 'x' }), true);
    assert.equal(ctx.delete('a', { scope: 'shared', agentId: 'x' }), false);
    assert.deepEqual(events, [
      { type: 'context.changed', key: 'a', scope: 'shared', agentId: 'x', value: 1 },
      { type: 'context.changed', key: 'b', scope: 'private', agentId: 'x', value: 2 },
      { type: 'context.changed', key: 'c', scope: 'temporary', agentId: 'x', value: 3, expiresAt: 1_100 },
      { type: 'context.changed', key: 'a', scope: 'shared', agentId: 'x', deleted: true },
    ]);
    const state = emptyRunState('r1');
    events.forEach((e, i) => applyRunEvent(state, { ...e, seq: i + 1, at: 0, runId: 'r1' } as never));
    assert.deepEqual(
      Object.values(state.context).sort((p, q) => p.key.localeCompare(q.key)),
      ctx.records().sort((p, q) => p.key.localeCompare(q.key)),
    );
  });

  it('restores the entries of a recovered run without emitting, dropping expired ones', () => {
    const { ctx, events } = setup();
    const records: ContextRecord[] = [
      { key: 'plan', scope: 'shared', agentId: 'planner', value: { steps: 2 } },
      { key: 'mine', scope: 'private', agentId: 'coder', value: 'secret-ish' },
      { key: 'gone', scope: 'temporary', value: 1, expiresAt: 999 },
      { key: 'live', scope: 'temporary', value: 2, expiresAt: 5_000 },
    ];
    ctx.set('stale', 1, { scope: 'shared', agentId: 'x' });
    events.length = 0;
    ctx.restore(records);
    assert.equal(events.length, 0);
    assert.deepEqual(ctx.get('plan', 'any'), { steps: 2 });
    assert.equal(ctx.get('mine', 'coder'), 'secret-ish');
    assert.equal(ctx.get('mine', 'tester'), undefined);
    assert.deepEqual(ctx.keys('coder'), ['live', 'mine', 'plan']);
    assert.throws(
      () => ctx.restore([{ key: 'p', scope: 'private', value: 1 }]),
      /Restored private context entry "p" needs the id/,
    );
  });

  it('hands agents a view bound to their id', () => {
    const { ctx } = setup();
    const coder = ctx.view('coder');
    const tester = ctx.view('tester');
    coder.set('draft', 'v1', { scope: 'private' });
    coder.set('api', 'rest');
    assert.equal(coder.get('draft'), 'v1');
    assert.equal(tester.get('draft'), undefined);
    assert.equal(tester.get('api'), 'rest');
    assert.deepEqual(tester.keys(), ['api']);
    assert.equal(coder.delete('draft', { scope: 'private' }), true);
    const txn = tester.transaction();
    assert.equal(txn.agentId, 'tester');
  });
});
