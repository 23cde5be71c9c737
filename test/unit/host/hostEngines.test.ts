import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { HostEngine } from '../../../src/host/engine/hostEngine';
import { HostEngines } from '../../../src/host/runs/hostEngines';

/** A folder as HostEngines reads it: only its URI and name. */
function folder(name: string): vscode.WorkspaceFolder {
  return { uri: { toString: () => `file:///${name}` }, name, index: 0 } as unknown as vscode.WorkspaceFolder;
}

/** Engines that note when they are disposed; nothing else of an engine is used here. */
function fakeEngines(): { factory: (f: vscode.WorkspaceFolder) => Promise<HostEngine>; disposed: string[] } {
  const disposed: string[] = [];
  return {
    disposed,
    factory: (f) =>
      Promise.resolve({ workspaceRoot: f.name, dispose: () => disposed.push(f.name) } as unknown as HostEngine),
  };
}

function recordingLog(): { warn(message: string): void; info(): void; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message), info: () => undefined };
}

const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('HostEngines (one engine per folder, owned until disposed)', () => {
  it('tells listeners of engines built before and after they subscribed; a throwing listener is logged, not fatal', async () => {
    const { factory } = fakeEngines();
    const log = recordingLog();
    const engines = new HostEngines(factory, log);
    await engines.get(folder('a'));
    const seen: string[] = [];
    engines.onEngine(() => {
      throw new Error('listener broke');
    });
    engines.onEngine((e) => seen.push(e.workspaceRoot));
    await settled();
    await engines.get(folder('b'));
    await settled();
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(log.warnings.length, 2);
    assert.match(log.warnings[0]!, /listener broke/);
  });

  it('reports an engine just before it is disposed, and disposes an idle one when invalidated', async () => {
    const { factory, disposed } = fakeEngines();
    const engines = new HostEngines(factory, recordingLog());
    const order: string[] = [];
    engines.onEngineDisposed((e) => order.push(`gone ${e.workspaceRoot} (disposed: ${disposed.length})`));
    await engines.get(folder('a'));
    engines.invalidate('settings changed');
    await settled();
    assert.deepEqual(order, ['gone a (disposed: 0)']);
    assert.deepEqual(disposed, ['a']);
  });

  it('disposes every engine, held or not, on dispose, and lets go of its listeners', async () => {
    const { factory, disposed } = fakeEngines();
    const engines = new HostEngines(factory, recordingLog());
    let created = 0;
    engines.onEngine(() => created++);
    const lease = await engines.lease(folder('a'));
    await engines.get(folder('b'));
    await settled();
    assert.equal(created, 2);
    engines.dispose();
    await settled();
    assert.deepEqual(disposed.sort(), ['a', 'b']);
    lease.release();
    engines.dispose();
    await settled();
    assert.deepEqual(disposed.sort(), ['a', 'b'], 'nothing is disposed twice');
    await engines.get(folder('c'));
    await settled();
    assert.equal(created, 2, 'listeners are no longer told');
  });
});
