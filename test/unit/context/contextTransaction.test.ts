import assert from 'node:assert/strict';
import { ContextConflictError } from '../../../src/core/context/contextConflictError';
import { SharedContext } from '../../../src/core/context/sharedContext';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { ManualClock } from '../../support/manualClock';

function setup() {
  const clock = new ManualClock();
  const events: RunEventBody[] = [];
  const ctx = new SharedContext(clock, (e) => events.push(e));
  return { clock, events, ctx };
}

describe('ContextTransaction', () => {
  it('reads its own writes and shows nothing to others before commit', () => {
    const { ctx, events } = setup();
    ctx.set('count', 1, { scope: 'shared', agentId: 'a' });
    events.length = 0;
    const txn = ctx.transaction('a');
    txn.set('count', 2);
    txn.set('mine', 'x', { scope: 'private' });
    assert.equal(txn.get('count'), 2);
    assert.equal(txn.get('mine'), 'x');
    assert.equal(ctx.get('count', 'b'), 1);
    assert.equal(ctx.get('mine', 'a'), undefined);
    assert.equal(events.length, 0);
    txn.commit();
    assert.equal(ctx.get('count', 'b'), 2);
    assert.equal(ctx.get('mine', 'a'), 'x');
    assert.equal(events.length, 2);
  });

  it('rollback discards every write', () => {
    const { ctx, events } = setup();
    const txn = ctx.transaction('a');
    txn.set('k', 1);
    txn.rollback();
    assert.equal(ctx.get('k', 'a'), undefined);
    assert.equal(events.length, 0);
  });

  it('fails with ContextConflictError and applies nothing when a key it read changed', () => {
    const { ctx, events } = setup();
    ctx.set('balance', 10, { scope: 'shared', agentId: 'a' });
    const txn = ctx.transaction('a');
    const seen = txn.get('balance') as number;
    txn.set('balance', seen - 3);
    txn.set('log', 'took 3');
    ctx.set('balance', 0, { scope: 'shared', agentId: 'b' });
    events.length = 0;
    assert.throws(
      () => txn.commit(),
      (err: unknown) =>
        err instanceof ContextConflictError &&
        err.keys.join() === 'balance' &&
        /Start a new transaction, read the keys again and retry/.test(err.message),
    );
    assert.equal(ctx.get('balance', 'a'), 0);
    assert.equal(ctx.get('log', 'a'), undefined, 'all or nothing: the unconflicted write is not applied either');
    assert.equal(events.length, 0);
  });

  it('detects a key created by someone else after the transaction saw it absent', () => {
    const { ctx } = setup();
    const txn = ctx.transaction('a');
    assert.equal(txn.get('owner'), undefined);
    txn.set('owner', 'a');
    ctx.set('owner', 'b', { scope: 'shared', agentId: 'b' });
    assert.throws(() => txn.commit(), ContextConflictError);
    assert.equal(ctx.get('owner', 'x'), 'b');
  });

  it('detects a blind write racing another write, and a delete-then-recreate', () => {
    const { ctx } = setup();
    ctx.set('k', 1, { scope: 'shared', agentId: 'x' });
    const blind = ctx.transaction('a');
    blind.set('k', 2);
    ctx.delete('k', { scope: 'shared', agentId: 'x' });
    ctx.set('k', 1, { scope: 'shared', agentId: 'x' });
    assert.throws(() => blind.commit(), ContextConflictError);
  });

  it('treats expiry of a temporary entry it read as a change', async () => {
    const { ctx, clock } = setup();
    ctx.set('lease', 'a', { scope: 'temporary', agentId: 'a', ttlMs: 1_000 });
    const txn = ctx.transaction('a');
    assert.equal(txn.get('lease'), 'a');
    txn.set('work', 'done');
    await clock.advance(1_000);
    assert.throws(() => txn.commit(), ContextConflictError);
  });

  it('commits when unrelated keys changed meanwhile', () => {
    const { ctx } = setup();
    const txn = ctx.transaction('a');
    txn.get('mine');
    txn.set('mine', 1);
    ctx.set('other', 2, { scope: 'shared', agentId: 'b' });
    txn.commit();
    assert.equal(ctx.get('mine', 'z'), 1);
  });

  it('stages deletes and temporary writes, timing the TTL from commit', async () => {
    const { ctx, clock, events } = setup();
    ctx.set('old', 1, { scope: 'shared', agentId: 'a' });
    const txn = ctx.transaction('a');
    txn.delete('old');
    txn.set('flag', true, { scope: 'temporary', ttlMs: 500 });
    assert.equal(txn.get('old'), undefined);
    await clock.advance(100);
    txn.commit();
    assert.equal(ctx.get('old', 'a'), undefined);
    assert.deepEqual(events.at(-1), {
      type: 'context.changed',
      key: 'flag',
      scope: 'temporary',
      agentId: 'a',
      value: true,
      expiresAt: 600,
    });
  });

  it('cannot be used again after commit, rollback or a failed commit', () => {
    const { ctx } = setup();
    const committed = ctx.transaction('a');
    committed.commit();
    assert.throws(() => committed.set('k', 1), /already committed\. Start a new transaction/);
    const rolledBack = ctx.transaction('a');
    rolledBack.rollback();
    assert.throws(() => rolledBack.commit(), /already rolled back/);
    const failed = ctx.transaction('a');
    failed.get('k');
    ctx.set('k', 1, { scope: 'shared', agentId: 'b' });
    assert.throws(() => failed.commit(), ContextConflictError);
    assert.throws(() => failed.get('k'), /already failed/);
  });

  it('validates writes when they are staged, not at commit', () => {
    const { ctx } = setup();
    const txn = ctx.transaction('a');
    assert.throws(() => txn.set('k', (() => 1) as never), /not JSON/);
    txn.commit();
  });
});
