import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';

describe('NodeWorkspace', () => {
  let base: string;
  let root: string;
  let outside: string;
  let ws: NodeWorkspace;
  const put = async (rel: string, content: string | Buffer, at = root): Promise<void> => {
    await fs.mkdir(path.dirname(path.join(at, rel)), { recursive: true });
    await fs.writeFile(path.join(at, rel), content);
  };
  const exists = (p: string): Promise<boolean> =>
    fs.lstat(p).then(
      () => true,
      () => false,
    );

  beforeEach(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'ao-nodews-'));
    root = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    await fs.mkdir(root);
    await fs.mkdir(outside);
    await fs.mkdir(path.join(base, 'ws-evil'));
    await put('secret.txt', 'outside secret\n', outside);
    await put('secret.txt', 'sibling secret\n', path.join(base, 'ws-evil'));
    ws = new NodeWorkspace(root);
  });
  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  describe('readFile', () => {
    it('reads text, and answers undefined for a missing file', async () => {
      await put('src/a.ts', 'export const a = 1;\n');
      assert.equal(await ws.readFile('src/a.ts'), 'export const a = 1;\n');
      assert.equal(await ws.readFile('./src/../src/a.ts'), 'export const a = 1;\n');
      assert.equal(await ws.readFile('src/missing.ts'), undefined);
      assert.equal(await ws.readFile('missing-dir/x.ts'), undefined);
    });

    it('refuses binary files, oversized files and folders with a clear error', async () => {
      await put('img.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
      await put('big.txt', 'x'.repeat(2048));
      await put('src/a.ts', '');
      const small = new NodeWorkspace(root, { maxFileBytes: 1024 });
      await assert.rejects(ws.readFile('img.png'), /img\.png is a binary file/);
      await assert.rejects(small.readFile('big.txt'), /big\.txt is 2 KB, more than the 1 KB that can be read/);
      await assert.rejects(ws.readFile('src'), /src is a folder, not a file/);
    });

    it('refuses paths that leave the workspace: .., absolute, a prefix-sharing sibling, a symlink out', async () => {
      await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-out'));
      await fs.symlink(outside, path.join(root, 'dir-out'));
      for (const p of [
        '../outside/secret.txt',
        path.join(outside, 'secret.txt'),
        '../ws-evil/secret.txt',
        'link-out',
        'dir-out/secret.txt',
      ]) {
        await assert.rejects(ws.readFile(p), /Refused path .*outside the workspace root/, p);
      }
    });
  });

  describe('writeFile and deleteFile', () => {
    it('creates parent folders and writes the content', async () => {
      await ws.writeFile('new/deep/file.txt', 'hello');
      assert.equal(await fs.readFile(path.join(root, 'new/deep/file.txt'), 'utf8'), 'hello');
    });

    it('writes nothing outside the workspace for any escape (checklist 1)', async () => {
      await fs.symlink(outside, path.join(root, 'dir-out'));
      await fs.symlink(path.join(outside, 'not-yet.txt'), path.join(root, 'dangling-out'));
      for (const p of [
        '../outside/pwned.txt',
        path.join(outside, 'pwned.txt'),
        '../ws-evil/pwned.txt',
        'dir-out/pwned.txt',
        'dangling-out',
      ]) {
        await assert.rejects(ws.writeFile(p, 'pwned'), /Refused path/, p);
      }
      assert.deepEqual((await fs.readdir(outside)).sort(), ['secret.txt']);
      assert.deepEqual(await fs.readdir(path.join(base, 'ws-evil')), ['secret.txt']);
      assert.equal(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8'), 'outside secret\n');
    });

    it('replaces a symlink sitting at the target instead of writing through it (checklist 3)', async () => {
      await put('notes.txt', 'notes\n');
      await fs.symlink('notes.txt', path.join(root, 'notes-link.txt'));
      await ws.writeFile('notes-link.txt', 'replaced');
      assert.equal(await fs.readFile(path.join(root, 'notes.txt'), 'utf8'), 'notes\n');
      assert.equal((await fs.lstat(path.join(root, 'notes-link.txt'))).isSymbolicLink(), false);
      assert.equal(await fs.readFile(path.join(root, 'notes-link.txt'), 'utf8'), 'replaced');
    });

    it('deletes a file, ignores a missing one, refuses folders and escapes, and unlinks a link rather than its target', async () => {
      await put('gone.txt', 'bye');
      await put('notes.txt', 'notes\n');
      await fs.symlink('notes.txt', path.join(root, 'notes-link.txt'));
      await ws.deleteFile('gone.txt');
      assert.equal(await exists(path.join(root, 'gone.txt')), false);
      await ws.deleteFile('gone.txt');
      await ws.deleteFile('notes-link.txt');
      assert.equal(await exists(path.join(root, 'notes-link.txt')), false);
      assert.equal(await fs.readFile(path.join(root, 'notes.txt'), 'utf8'), 'notes\n');
      await fs.mkdir(path.join(root, 'folder'));
      await assert.rejects(ws.deleteFile('folder'), /folder is a folder; only files can be deleted/);
      await assert.rejects(ws.deleteFile('../outside/secret.txt'), /Refused path/);
      assert.equal(await exists(path.join(outside, 'secret.txt')), true);
    });
  });

  describe('statFile', () => {
    it('gives size and mtime of a file, undefined for a folder or a missing file, and refuses a link out', async () => {
      await put('src/a.ts', 'export const a = 1;\n');
      const when = new Date('2024-05-06T07:08:09Z');
      await fs.utimes(path.join(root, 'src/a.ts'), when, when);
      assert.deepEqual(await ws.statFile('src/a.ts'), { size: 20, mtimeMs: when.getTime() });
      assert.equal(await ws.statFile('src'), undefined);
      assert.equal(await ws.statFile('missing.ts'), undefined);
      await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-out'));
      await assert.rejects(ws.statFile('link-out'), /outside the workspace/);
      await assert.rejects(ws.statFile('../outside/secret.txt'), /outside the workspace/);
    });
  });

  describe('listFiles', () => {
    beforeEach(async () => {
      await put('.gitignore', '*.log\nbuild/\n');
      await put('src/a.ts', 'a');
      await put('src/b.js', 'b');
      await put('src/debug.log', 'log');
      await put('build/out.js', 'out');
      await put('node_modules/pkg/index.js', 'pkg');
      await put('.git/HEAD', 'ref');
      await put('.env', 'KEY=1');
      await put('pkg/.gitignore', 'generated/\n!keep.log\n');
      await put('pkg/generated/x.ts', 'x');
      await put('pkg/keep.log', 'kept');
      await put('pkg/src/c.ts', 'c');
    });

    it('honours root and nested .gitignore files (with negation) and always skips .git and node_modules', async () => {
      const { files, truncated } = await ws.listFiles(undefined, 100);
      assert.deepEqual(files, [
        '.env',
        '.gitignore',
        'pkg/.gitignore',
        'pkg/keep.log',
        'pkg/src/c.ts',
        'src/a.ts',
        'src/b.js',
      ]);
      assert.equal(truncated, false);
    });

    it('filters by glob: "*.ts" at any depth, a path glob, a plain folder path', async () => {
      assert.deepEqual((await ws.listFiles('*.ts', 100)).files, ['pkg/src/c.ts', 'src/a.ts']);
      assert.deepEqual((await ws.listFiles('src/**/*.js', 100)).files, ['src/b.js']);
      assert.deepEqual((await ws.listFiles('pkg/src', 100)).files, ['pkg/src/c.ts']);
      assert.deepEqual((await ws.listFiles('build/**', 100)).files, []);
    });

    it('says when the limit cut the list short', async () => {
      assert.deepEqual(await ws.listFiles(undefined, 2), { files: ['.env', '.gitignore'], truncated: true });
      assert.deepEqual(await ws.listFiles('src/*.ts', 1), { files: ['src/a.ts'], truncated: false });
    });

    it('does not follow a symlinked folder out of the workspace', async () => {
      await fs.symlink(outside, path.join(root, 'dir-out'));
      await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'file-out'));
      const { files } = await ws.listFiles(undefined, 100);
      assert.equal(
        files.some((f) => f.startsWith('dir-out') || f === 'file-out'),
        false,
        files.join(', '),
      );
    });
  });

  describe('searchText', () => {
    beforeEach(async () => {
      await put('.gitignore', 'dist/\n');
      await put('src/a.ts', 'const token = 1;\nfunction go() {}\n// token again\n');
      await put('src/b.ts', 'nothing here\r\nTOKEN upper\r\n');
      await put('dist/a.js', 'const token = 1;\n');
      await put('blob.bin', Buffer.concat([Buffer.from('token'), Buffer.from([0, 1, 2])]));
    });

    it('finds literal text line by line, skipping ignored and binary files', async () => {
      const { matches, truncated } = await ws.searchText('token', { limit: 50 });
      assert.deepEqual(matches, [
        { path: 'src/a.ts', line: 1, text: 'const token = 1;' },
        { path: 'src/a.ts', line: 3, text: '// token again' },
      ]);
      assert.equal(truncated, false);
    });

    it('matches regular expressions, honours the glob and the limit', async () => {
      const found = await ws.searchText('^[A-Z]+ upper$', { regex: true, limit: 50 });
      assert.deepEqual(found.matches, [{ path: 'src/b.ts', line: 2, text: 'TOKEN upper' }]);
      assert.deepEqual((await ws.searchText('token', { glob: 'dist/**', limit: 5 })).matches, []);
      assert.deepEqual(await ws.searchText('token', { limit: 1 }), {
        matches: [{ path: 'src/a.ts', line: 1, text: 'const token = 1;' }],
        truncated: true,
      });
    });

    it('refuses an invalid regex with a clear error', async () => {
      await assert.rejects(
        ws.searchText('(unclosed', { regex: true, limit: 5 }),
        /The regular expression "\(unclosed" is invalid/,
      );
    });

    it('stops a catastrophically backtracking regex within its time limit', async () => {
      await put('src/evil.txt', `${'a'.repeat(40)}!\n`);
      const quick = new NodeWorkspace(root, { regexFileTimeoutMs: 100 });
      // Unstopped, 2^40 backtracking steps would outlast mocha's timeout: the rejection is the proof, not a clock.
      await assert.rejects(
        quick.searchText('^(a+)+$', { regex: true, limit: 5 }),
        /took more than 100 ms on src\/evil\.txt .*backtracks catastrophically/,
      );
    });

    it('shows a window of a very long line around the match', async () => {
      await put('src/min.js', `${'x'.repeat(5000)}needle${'y'.repeat(5000)}`);
      await put('src/late.js', `${'x'.repeat(5000)}needle`);
      const { matches } = await ws.searchText('needle', { limit: 5 });
      assert.equal(matches.length, 0, 'matches beyond the searched part of a line are not found');
      await put('src/min2.js', `${'x'.repeat(1000)}needle${'y'.repeat(5000)}`);
      const [hit] = (await ws.searchText('needle', { limit: 5 })).matches;
      assert.ok(
        hit !== undefined && hit.text.includes('needle') && hit.text.length <= 302,
        hit?.text.length.toString(),
      );
    });
  });
});
