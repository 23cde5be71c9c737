import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fallbackTextSearch } from '../../../src/host/engine/fallbackTextSearch';
import { GitignoreFilter } from '../../../src/core/tools/gitignoreFilter';
import { findBundledRipgrep, ripgrepSearch, type RipgrepSearchOptions } from '../../../src/host/engine/ripgrepSearch';
import { compileWorkspaceGlob } from '../../../src/host/engine/workspaceGlob';

/** The machine's ripgrep, standing in for the one inside VS Code; undefined skips those tests. */
function systemRipgrep(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

describe('workspace listing and search helpers', () => {
  let root: string;
  let outside: string;
  const put = async (file: string, text: string): Promise<void> => {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  };

  before(async () => {
    const base = await realpath(await mkdtemp(join(tmpdir(), 'ao-host-ws-')));
    root = join(base, 'ws');
    outside = join(base, 'ws-evil');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'needle outside\n');
    await put('.gitignore', 'build/\n*.log\n!keep.log\n');
    await put('src/app.ts', 'const needle = 1;\nconst other = 2;\n');
    await put('src/deep/util.ts', 'export const needle = "deep";\n');
    await put('src/.gitignore', 'generated.ts\n');
    await put('src/generated.ts', 'needle in generated\n');
    await put('build/out.js', 'needle in build\n');
    await put('debug.log', 'needle in log\n');
    await put('keep.log', 'needle kept\n');
    await put('node_modules/pkg/index.js', 'needle in modules\n');
    await put('.github/workflow.yml', 'needle: hidden but listed\n');
    await put('bin.dat', 'needle\0binary');
    await put('long.txt', `${'x'.repeat(1000)}needle${'y'.repeat(1000)}\n`);
    await put('slow.txt', `${'a'.repeat(40)}!\n`);
    await symlink(join(outside, 'secret.txt'), join(root, 'link.txt'));
  });
  after(() => rm(dirname(root), { recursive: true, force: true }));

  describe('GitignoreFilter', () => {
    it('applies root and nested .gitignore files, negations, ignored folders and the always-skipped folders', async () => {
      const filter = new GitignoreFilter(root);
      const verdicts: Record<string, boolean> = {};
      for (const f of [
        'src/app.ts',
        'src/generated.ts',
        'build/out.js',
        'debug.log',
        'keep.log',
        'node_modules/pkg/index.js',
        '.git/config',
        '.github/workflow.yml',
      ]) {
        verdicts[f] = await filter.isIgnored(f);
      }
      assert.deepEqual(verdicts, {
        'src/app.ts': false,
        'src/generated.ts': true,
        'build/out.js': true,
        'debug.log': true,
        'keep.log': false,
        'node_modules/pkg/index.js': true,
        '.git/config': true,
        '.github/workflow.yml': false,
      });
    });
  });

  describe('compileWorkspaceGlob (the CLI meaning)', () => {
    it('matches everything, a plain path and what is under it, names at any depth, or a path glob', () => {
      assert.equal(compileWorkspaceGlob(undefined).all, true);
      assert.equal(compileWorkspaceGlob('**/*').all, true);
      const plain = compileWorkspaceGlob('./src/');
      assert.equal(plain.plain, 'src');
      assert.ok(plain.test('src/app.ts') && !plain.test('srcx/a.ts'));
      const name = compileWorkspaceGlob('*.ts');
      assert.equal(name.pattern, '**/*.ts');
      assert.equal(name.nameGlob, '*.ts');
      assert.ok(name.test('src/deep/util.ts') && !name.test('a.js'));
      const deep = compileWorkspaceGlob('src/**/*.ts');
      assert.equal(deep.base, 'src');
      assert.ok(deep.test('src/deep/util.ts') && !deep.test('test/a.ts'));
    });
  });

  describe('fallbackTextSearch', () => {
    const search = (over: Partial<Parameters<typeof fallbackTextSearch>[0]>) =>
      fallbackTextSearch({
        root,
        files: ['src/app.ts', 'src/deep/util.ts', 'bin.dat', 'long.txt', 'link.txt'],
        query: 'needle',
        regex: false,
        limit: 50,
        maxFileBytes: 1024 * 1024,
        timeoutMs: 5000,
        regexFileTimeoutMs: 500,
        ...over,
      });

    it('finds lines, skips binary files and never reads through a link out of the workspace', async () => {
      const { matches, truncated } = await search({});
      assert.equal(truncated, false);
      assert.deepEqual(
        matches.map((m) => `${m.path}:${m.line}`),
        ['src/app.ts:1', 'src/deep/util.ts:1', 'long.txt:1'],
      );
      assert.ok(matches[2]!.text.length <= 302 && matches[2]!.text.includes('needle'));
    });

    it('stops at the limit and says so; refuses a catastrophic regex', async () => {
      assert.deepEqual(await search({ limit: 1 }).then((r) => [r.matches.length, r.truncated]), [1, true]);
      await assert.rejects(
        search({ files: ['slow.txt'], query: '(a+)+$', regex: true, regexFileTimeoutMs: 50 }),
        /backtracks catastrophically/,
      );
    });
  });

  const rg = systemRipgrep();
  (rg === undefined ? describe.skip : describe)("ripgrepSearch (with this machine's rg)", () => {
    const run = (over: Partial<RipgrepSearchOptions> = {}) => {
      const filter = new GitignoreFilter(root);
      const glob = compileWorkspaceGlob(over.under);
      return ripgrepSearch({
        rgPath: rg!,
        cwd: root,
        query: 'needle',
        regex: false,
        globs: [],
        limit: 50,
        maxFileBytes: 1024 * 1024,
        timeoutMs: 10_000,
        accept: async (f) => glob.test(f) && !(await filter.isIgnored(f)),
        ...over,
      });
    };

    it('honours .gitignore (nested, negated), skips node_modules, binary files and links, includes dotfolders', async () => {
      const { matches, truncated } = await run();
      assert.equal(truncated, false);
      assert.deepEqual(matches.map((m) => m.path).sort(), [
        '.github/workflow.yml',
        'keep.log',
        'long.txt',
        'src/app.ts',
        'src/deep/util.ts',
      ]);
      const app = matches.find((m) => m.path === 'src/app.ts');
      assert.deepEqual(app, { path: 'src/app.ts', line: 1, text: 'const needle = 1;' });
      assert.ok(matches.find((m) => m.path === 'long.txt')!.text.startsWith('…'));
    });

    it('searches under a folder, with a name glob, literally or by regex, and stops at the limit', async () => {
      assert.deepEqual(
        (await run({ under: 'src/deep' })).matches.map((m) => m.path),
        ['src/deep/util.ts'],
      );
      assert.deepEqual(
        (await run({ globs: ['*.log'] })).matches.map((m) => m.path),
        ['keep.log'],
      );
      assert.equal((await run({ query: 'need.e', regex: false })).matches.length, 0);
      assert.ok((await run({ query: 'need.e = "deep"', regex: true })).matches.length === 1);
      const limited = await run({ limit: 2 });
      assert.deepEqual([limited.matches.length, limited.truncated], [2, true]);
    });

    it('explains an invalid regex', async () => {
      await assert.rejects(run({ query: '(unclosed', regex: true }), /regular expression "\(unclosed" is invalid/);
    });

    it('finds the rg inside a VS Code install, also in the unpacked asar folder', async () => {
      const appRoot = join(dirname(root), 'app');
      assert.equal(await findBundledRipgrep(appRoot, 'linux'), undefined);
      const bin = join(appRoot, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin');
      await mkdir(bin, { recursive: true });
      await writeFile(join(bin, 'rg'), '#!/bin/sh\n');
      await chmod(join(bin, 'rg'), 0o755);
      assert.equal(await findBundledRipgrep(appRoot, 'linux'), join(bin, 'rg'));
    });
  });
});
