import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { EngineHandle, FirstScreenParts } from '../../../src/host/activation/engineContract';
import type { RunTreeProvider } from '../../../src/host/views/runTreeProvider';
import { RunStore } from '../../../src/core/store/runStore';
import { clearRecord, installVscode, manifest, recordingVscode } from '../../support/recordingVscode';
import { createRun } from '../store/storeTestUtils';
// Types only: the modules themselves are required once the fake `vscode` is installed.
import type * as ExtensionSource from '../../../src/host/extension';
import type * as EngineMainSource from '../../../src/host/engineMain';

type ExtensionModule = typeof ExtensionSource;
type EngineMain = typeof EngineMainSource;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('host activation: the first screen at once, the engine after it or on the first command', () => {
  const { vscode: fake, record } = recordingVscode();
  let uninstall: () => void;
  let extension: ExtensionModule;
  let engineMain: EngineMain;
  let storage: string;
  let context: vscode.ExtensionContext;
  /** How often the engine was started in this test. */
  let starts: number;

  before(() => {
    uninstall = installVscode(fake);
    // Required only now, so that they (and the host modules they load) get the fake `vscode`.
    /* eslint-disable @typescript-eslint/no-require-imports */
    extension = require('../../../src/host/extension') as ExtensionModule;
    engineMain = require('../../../src/host/engineMain') as EngineMain;
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  after(() => uninstall());

  beforeEach(async () => {
    clearRecord(record);
    starts = 0;
    storage = await mkdtemp(join(tmpdir(), 'ao-activation-'));
    const memento = { get: () => undefined, update: async () => undefined, keys: () => [] };
    context = {
      subscriptions: [],
      globalStorageUri: { fsPath: storage, path: storage, scheme: 'file' },
      extensionUri: { fsPath: __dirname, path: __dirname, scheme: 'file' },
      extension: { id: 'agent-orchestrator.agent-orchestrator', packageJSON: manifest() },
      secrets: {
        get: async () => undefined,
        store: async () => undefined,
        delete: async () => undefined,
        onDidChange: () => ({ dispose: () => undefined }),
      },
      globalState: { ...memento, setKeysForSync: () => undefined },
      workspaceState: memento,
    } as unknown as vscode.ExtensionContext;
  });
  afterEach(async () => {
    for (const d of context.subscriptions.splice(0)) d.dispose();
    await rm(storage, { recursive: true, force: true });
  });

  /** The real engine, from the sources, counted. */
  const realEngine = (screen: FirstScreenParts): EngineHandle => {
    starts++;
    return engineMain.startEngine(context, screen);
  };

  it('registers every contributed command, the Runs view, the quota item, the panel serializer and the tool, and no engine', async () => {
    const contributes = manifest().contributes;
    extension.activate(context, realEngine);
    assert.equal(starts, 0, 'activate() loads no engine');
    assert.deepEqual([...record.commands.keys()].sort(), contributes.commands!.map((c) => c.command).sort());
    assert.deepEqual([...record.treeViews.keys()], ['agentOrchestrator.runs']);
    assert.deepEqual(record.statusBarItems, ['agentOrchestrator.quota']);
    assert.deepEqual([...record.serializers.keys()], ['agentOrchestrator.runPanel']);
    assert.deepEqual(
      [...record.lmTools.keys()],
      contributes.languageModelTools!.map((t) => t.name),
    );

    await nextTurn();
    assert.equal(starts, 1, 'the engine loads right after activation');
    assert.deepEqual(record.errors, []);
  });

  it('a command run before the engine loaded loads it, waits for it, then works; the engine loads once', async () => {
    extension.activate(context, realEngine);
    await record.commands.get('agentOrchestrator.showLogs')!();
    assert.equal(starts, 1);
    assert.equal(record.logShown, 1, 'Show Logs showed the log channel');
    await nextTurn();
    await record.commands.get('agentOrchestrator.showLogs')!();
    assert.equal(starts, 1, 'the scheduled load found the engine there');
    assert.equal(record.logShown, 2);
    assert.deepEqual(record.errors, []);
  });

  it('the Runs view’s first read waits for the engine and lists the run store', async () => {
    const store = new RunStore({ root: storage, flushIntervalMs: 0 });
    const run = await createRun(store, 'r1');
    run.record({ type: 'run.created', seq: 1, at: 1, runId: 'r1', goal: 'g', dryRun: false, budget: {} } as never);
    await run.writer.close();

    extension.activate(context, realEngine);
    const tree = record.treeViews.get('agentOrchestrator.runs') as RunTreeProvider;
    const roots = await tree.getChildren();
    assert.equal(starts, 1);
    assert.deepEqual(
      roots.map((node) => (node as { runId?: string }).runId),
      ['r1'],
    );
  });

  it('with no run yet, the Runs view’s first read is empty without the engine’s store; with a run folder, the store lists', async () => {
    let listed = 0;
    const counting = (screen: FirstScreenParts): EngineHandle => {
      const engine = realEngine(screen);
      const runs = engine.runs;
      return Object.assign(Object.create(engine) as EngineHandle, {
        runs: { list: () => (listed++, runs.list()), load: (runId: string) => runs.load(runId) },
      });
    };
    extension.activate(context, counting);
    const tree = record.treeViews.get('agentOrchestrator.runs') as RunTreeProvider;
    assert.deepEqual(await tree.getChildren(), []);
    assert.equal(listed, 0, 'no run folder: nothing for the store to read');

    const store = new RunStore({ root: storage, flushIntervalMs: 0 });
    await (await createRun(store, 'r2')).writer.close();
    for (const d of context.subscriptions.splice(0)) d.dispose();
    clearRecord(record);
    extension.activate(context, counting);
    const again = record.treeViews.get('agentOrchestrator.runs') as RunTreeProvider;
    assert.equal((await again.getChildren()).length, 1);
    assert.equal(listed, 1);
  });

  it('a panel restored or a tool called before the engine loaded is handed to the engine once it is loaded', async () => {
    const calls: string[] = [];
    extension.activate(context, () => {
      calls.push('engine loaded');
      return {
        restorePanel: (_panel: unknown, state: unknown) => calls.push(`panel ${JSON.stringify(state)}`),
        tool: (name: string) => ({ invoke: async () => calls.push(`tool ${name}`) }),
        dispose: () => undefined,
      } as unknown as EngineHandle;
    });
    await record.serializers.get('agentOrchestrator.runPanel')!.deserializeWebviewPanel({}, { runId: 'r1' });
    await record.lmTools.get('agent-orchestrator_orchestrate')!.invoke({ input: { goal: 'g' } }, {});
    assert.deepEqual(calls, ['engine loaded', 'panel {"runId":"r1"}', 'tool agent-orchestrator_orchestrate']);
  });

  it('the API works before the engine loaded: a call loads it and gets its answer', async () => {
    const api = extension.activate(context, realEngine);
    assert.equal(api.version, 1);
    assert.equal(starts, 0);
    assert.equal(api.getRun('no-such-run'), undefined);
    assert.equal(starts, 1);
    assert.throws(() => api.registerAgent({ definition: {} } as never), /agent definition is invalid/);
  });

  it('an engine that cannot load: activation still works, each command says why and what to do, nothing runs', async () => {
    let attempts = 0;
    const api = extension.activate(context, () => {
      attempts++;
      throw new Error("Cannot find module 'dist/engine.js'");
    });
    assert.ok(record.treeViews.has('agentOrchestrator.runs'));
    await nextTurn();
    assert.equal(attempts, 1);
    assert.match(record.logErrors.join('\n'), /could not load its engine \(dist\/engine\.js\): Cannot find module/);

    await record.commands.get('agentOrchestrator.showLogs')!();
    await record.commands.get('agentOrchestrator.orchestrate')!();
    assert.equal(attempts, 1, 'a failed load is not retried behind the user’s back');
    assert.equal(record.logShown, 0);
    assert.equal(record.errors.length, 2);
    for (const message of record.errors)
      assert.match(message, /could not load its engine.*Reinstall or update the extension, then reload the window/);
    assert.throws(() => api.getRun('r1'), { name: 'EngineLoadError' });
    await assert.rejects(api.orchestrate('goal'), { name: 'EngineLoadError' });
  });

  it('deactivated before the engine loaded: no engine is loaded, and every command is unregistered', async () => {
    extension.activate(context, realEngine);
    for (const d of context.subscriptions.splice(0)) d.dispose();
    await nextTurn();
    assert.equal(starts, 0);
    assert.equal(record.commands.size, 0);
  });

  it('a handler for a command package.json does not contribute, or a second one, is refused with what to do', async () => {
    let screen: FirstScreenParts | undefined;
    extension.activate(context, (parts) => {
      screen = parts;
      return { dispose: () => undefined } as EngineHandle;
    });
    await nextTurn();
    assert.throws(
      () => screen!.registerCommand('agentOrchestrator.noSuchCommand', () => undefined),
      /agentOrchestrator\.noSuchCommand is not a command of package\.json's contributes\.commands; add it there/,
    );
    const first = screen!.registerCommand('agentOrchestrator.showLogs', () => 'first');
    assert.throws(() => screen!.registerCommand('agentOrchestrator.showLogs', () => 'second'), /has a handler already/);
    assert.equal(await record.commands.get('agentOrchestrator.showLogs')!(), 'first');
    first.dispose();
    assert.equal(await record.commands.get('agentOrchestrator.showLogs')!(), undefined);
    assert.match(record.errors[0]!, /agentOrchestrator\.showLogs is not available/);
  });
});
