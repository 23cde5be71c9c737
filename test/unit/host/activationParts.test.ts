import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineLoadError, LazyEngine } from '../../../src/host/activation/lazyEngine';
import { contributedNames } from '../../../src/host/activation/manifestNames';
import { hasRunFolders } from '../../../src/host/activation/runFolders';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('host activation parts (vscode-free)', () => {
  describe('contributedNames', () => {
    it('takes the command ids and tool names, skipping entries without a string name', () => {
      const names = contributedNames({
        contributes: {
          commands: [{ command: 'a.one' }, { title: 'no id' }, null, { command: 7 }, { command: 'a.two' }],
          languageModelTools: [{ name: 'tool' }, {}],
        },
      });
      assert.deepEqual(names, { commands: ['a.one', 'a.two'], tools: ['tool'] });
    });

    it('gives none for a manifest without those sections, or none at all', () => {
      assert.deepEqual(contributedNames({}), { commands: [], tools: [] });
      assert.deepEqual(contributedNames(undefined), { commands: [], tools: [] });
      assert.deepEqual(contributedNames({ contributes: { commands: 'x' } }), { commands: [], tools: [] });
    });
  });

  describe('hasRunFolders', () => {
    let root: string;
    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'ao-run-folders-'));
    });
    afterEach(() => rm(root, { recursive: true, force: true }));

    it('is false without a runs folder, or with only files and unsafe names in it', async () => {
      assert.equal(await hasRunFolders(root), false);
      await mkdir(join(root, 'runs', '.trash'), { recursive: true });
      await writeFile(join(root, 'runs', 'notes.txt'), 'x');
      assert.equal(await hasRunFolders(root), false);
    });

    it('is true with a run folder', async () => {
      await mkdir(join(root, 'runs', 'run-1'), { recursive: true });
      assert.equal(await hasRunFolders(root), true);
    });

    it('is true when the runs folder cannot be read, so the store reads it and reports why', async () => {
      await writeFile(join(root, 'runs'), 'not a folder');
      assert.equal(await hasRunFolders(root), true);
    });
  });

  describe('LazyEngine', () => {
    const engine = () => ({
      disposed: 0,
      dispose() {
        this.disposed++;
      },
    });

    it('loads once, from get() or loadSoon(), whichever comes first; disposing disposes what it loaded', async () => {
      let loads = 0;
      const made = engine();
      const lazy = new LazyEngine(
        () => (loads++, made),
        () => undefined,
      );
      lazy.loadSoon();
      assert.equal(lazy.loaded, undefined);
      assert.equal(lazy.get(), made);
      await nextTurn();
      assert.equal(loads, 1);
      lazy.dispose();
      assert.equal(made.disposed, 1);
      assert.throws(
        () => lazy.get(),
        (err: unknown) => err instanceof EngineLoadError && /deactivated/.test(err.message),
      );
    });

    it('a failed load is reported once and thrown to every caller, never retried', async () => {
      let loads = 0;
      const reported: string[] = [];
      const lazy = new LazyEngine(
        () => {
          loads++;
          throw new Error('boom');
        },
        (error) => reported.push(error.message),
      );
      lazy.loadSoon();
      await nextTurn();
      assert.throws(() => lazy.get(), EngineLoadError);
      lazy.loadSoon();
      await nextTurn();
      assert.equal(loads, 1);
      assert.deepEqual(reported, [
        'Agent Orchestrator could not load its engine (dist/engine.js): boom. Reinstall or update the extension, then reload the window.',
      ]);
    });
  });
});
