import assert from 'node:assert/strict';
import { Disposable, DisposableStore, toDisposable, type DisposableLike } from '../../../src/core/common/disposable';

/** A disposable that notes its name in `log` each time it is disposed. */
function noted(log: string[], name: string): DisposableLike {
  return { dispose: () => log.push(name) };
}

/** The smallest owner: registers what it is given, and says whether it is disposed. */
class Owner extends Disposable {
  register<T extends DisposableLike>(item: T): T {
    return this._register(item);
  }

  get disposed(): boolean {
    return this.isDisposed;
  }
}

/** An owner with extra work on dispose, done before its registrations go. */
class OwnerWithTeardown extends Disposable {
  constructor(private readonly log: string[]) {
    super();
    this._register(noted(log, 'registration'));
  }

  override dispose(): void {
    this.log.push('teardown');
    super.dispose();
  }
}

describe('Disposable (the base of every owner of disposables)', () => {
  it('disposes its registrations in reverse order', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.register(noted(log, 'first'));
    owner.register(noted(log, 'second'));
    owner.register(noted(log, 'third'));
    owner.dispose();
    assert.deepEqual(log, ['third', 'second', 'first']);
  });

  it('returns what it registers, so a field can be assigned as it is registered', () => {
    const owner = new Owner();
    const item = noted([], 'item');
    assert.equal(owner.register(item), item);
  });

  it('is idempotent: a second dispose disposes nothing again', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.register(noted(log, 'only'));
    owner.dispose();
    owner.dispose();
    assert.deepEqual(log, ['only']);
  });

  it('says whether it is disposed', () => {
    const owner = new Owner();
    assert.equal(owner.disposed, false);
    owner.dispose();
    assert.equal(owner.disposed, true);
  });

  it('disposes the rest when one registration throws, then rethrows what was thrown', () => {
    const log: string[] = [];
    const owner = new Owner();
    const failure = new Error('cannot let go');
    owner.register(noted(log, 'first'));
    owner.register({
      dispose: () => {
        throw failure;
      },
    });
    owner.register(noted(log, 'third'));
    assert.throws(
      () => owner.dispose(),
      (err: unknown) => err instanceof AggregateError && err.errors.length === 1 && err.errors[0] === failure,
    );
    assert.deepEqual(log, ['third', 'first']);
    assert.equal(owner.disposed, true);
    owner.dispose();
    assert.deepEqual(log, ['third', 'first'], 'a failed dispose is not retried');
  });

  it('disposes a registration made after dispose at once, and still returns it', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.dispose();
    const late = noted(log, 'late');
    assert.equal(owner.register(late), late);
    assert.deepEqual(log, ['late']);
    owner.dispose();
    assert.deepEqual(log, ['late'], 'it is not held for a later dispose');
  });

  it('refuses to register itself', () => {
    const owner = new Owner();
    assert.throws(() => owner.register(owner), /cannot register itself/);
  });

  it('lets a subclass do extra work on dispose and then release its registrations', () => {
    const log: string[] = [];
    new OwnerWithTeardown(log).dispose();
    assert.deepEqual(log, ['teardown', 'registration']);
  });

  it('owns other owners: disposing the root disposes the whole tree, newest first at every level', () => {
    const log: string[] = [];
    const root = new Owner();
    const child = root.register(new Owner());
    child.register(noted(log, 'child.a'));
    child.register(noted(log, 'child.b'));
    root.register(noted(log, 'root.c'));
    root.dispose();
    assert.deepEqual(log, ['root.c', 'child.b', 'child.a']);
    assert.equal(child.disposed, true);
  });
});

describe('DisposableStore and toDisposable', () => {
  it('the store disposes in reverse order, once, and disposes late additions at once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(noted(log, 'a'));
    store.add(noted(log, 'b'));
    assert.equal(store.isDisposed, false);
    store.dispose();
    store.dispose();
    assert.equal(store.isDisposed, true);
    store.add(noted(log, 'late'));
    assert.deepEqual(log, ['b', 'a', 'late']);
  });

  it('toDisposable runs its callback at most once', () => {
    let runs = 0;
    const d = toDisposable(() => runs++);
    d.dispose();
    d.dispose();
    assert.equal(runs, 1);
  });
});
