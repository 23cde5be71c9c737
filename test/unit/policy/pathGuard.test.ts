import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  PathRefusedError,
  resolveWorkspacePath,
  windowsPathProblem,
  writeFileNoFollow,
} from '../../../src/core/policy/pathGuard';
import { createTempWorkspace } from './tempWorkspace';
import type { TempWorkspace } from './tempWorkspace';

/** Asserts that resolving `requested` is refused with a PathRefusedError whose message names the path and matches `reason`. */
async function assertRefused(root: string, requested: string, reason: RegExp): Promise<void> {
  await assert.rejects(resolveWorkspacePath(root, requested), (err: unknown) => {
    assert.ok(err instanceof PathRefusedError, `expected PathRefusedError, got ${String(err)}`);
    assert.ok(err.message.includes(JSON.stringify(requested)), `message should name the path: ${err.message}`);
    assert.match(err.message, reason);
    return true;
  });
}

describe('pathGuard', () => {
  let ws: TempWorkspace;
  let realRoot: string;

  beforeEach(async () => {
    ws = await createTempWorkspace();
    realRoot = await fs.realpath(ws.root);
  });
  afterEach(async () => {
    await ws.cleanup();
  });

  describe('resolveWorkspacePath', () => {
    it('resolves a plain relative path inside the root', async () => {
      const resolved = await resolveWorkspacePath(ws.root, 'src/a.ts');
      assert.equal(resolved.relative, 'src/a.ts');
      assert.equal(resolved.realRelative, 'src/a.ts');
      assert.equal(resolved.real, path.join(realRoot, 'src', 'a.ts'));
      assert.equal(resolved.root, realRoot);
    });

    it('resolves a path that does not exist yet through its deepest existing ancestor', async () => {
      const resolved = await resolveWorkspacePath(ws.root, 'src/new/deep/file.ts');
      assert.equal(resolved.real, path.join(realRoot, 'src', 'new', 'deep', 'file.ts'));
      assert.equal(resolved.realRelative, 'src/new/deep/file.ts');
    });

    it('refuses ".." traversal (checklist 1)', async () => {
      await assertRefused(ws.root, '../x', /outside the workspace root/);
      await assertRefused(ws.root, 'src/../../outside/secret.txt', /outside the workspace root/);
    });

    it('refuses an absolute path outside the root (checklist 1)', async () => {
      await assertRefused(ws.root, '/etc/passwd', /resolves to \/etc\/passwd, outside the workspace root/);
    });

    it('refuses a sibling folder that shares the root as a prefix (checklist 1)', async () => {
      await assertRefused(ws.root, path.join(ws.sibling, 'secret.txt'), /outside the workspace root/);
      await assertRefused(ws.root, '../ws-evil/secret.txt', /outside the workspace root/);
    });

    it('refuses a symlinked directory whose target is outside, for existing and new files (checklist 1)', async () => {
      await assertRefused(ws.root, 'link-out/secret.txt', /follows a symlink to .*outside/);
      await assertRefused(ws.root, 'link-out/new-file.txt', /follows a symlink to .*outside/);
      await assertRefused(ws.root, 'link-out', /follows a symlink/);
    });

    it('refuses a symlinked file and a dangling symlink pointing outside (checklist 1)', async () => {
      await assertRefused(ws.root, 'link-file-out', /follows a symlink to .*secret\.txt/);
      await assertRefused(ws.root, 'dangling-out', /follows a symlink to .*not-yet\.txt/);
    });

    it('reports the real path of a symlink to .env inside the workspace (checklist 2)', async () => {
      const top = await resolveWorkspacePath(ws.root, 'env-link');
      assert.equal(top.relative, 'env-link');
      assert.equal(top.realRelative, '.env');
      const nested = await resolveWorkspacePath(ws.root, 'src/env-link');
      assert.equal(nested.relative, 'src/env-link');
      assert.equal(nested.realRelative, '.env');
    });

    it('accepts an absolute path inside, a trailing separator and a root reached through a symlink', async () => {
      const linkRoot = path.join(ws.base, 'ws-link');
      await fs.symlink('ws', linkRoot);
      const viaLink = await resolveWorkspacePath(`${linkRoot}${path.sep}`, 'src/a.ts');
      assert.equal(viaLink.realRelative, 'src/a.ts');
      assert.equal(viaLink.real, path.join(realRoot, 'src', 'a.ts'));
      const viaRealRoot = await resolveWorkspacePath(linkRoot, path.join(realRoot, 'src', 'a.ts'));
      assert.equal(viaRealRoot.relative, 'src/a.ts');
      const trailing = await resolveWorkspacePath(ws.root, 'src/');
      assert.equal(trailing.relative, 'src');
    });

    it('does not mistake a name starting with ".." for traversal', async () => {
      const resolved = await resolveWorkspacePath(ws.root, '..foo/bar.txt');
      assert.equal(resolved.relative, '..foo/bar.txt');
    });

    it('refuses a root that does not exist, an empty path and a NUL byte', async () => {
      await assertRefused(
        path.join(ws.base, 'missing'),
        'a.txt',
        /workspace root .*missing cannot be resolved \(ENOENT\)/,
      );
      await assertRefused(ws.root, '', /the path is empty/);
      await assertRefused(ws.root, 'a\0b', /NUL byte/);
    });
  });

  describe('windowsPathProblem', () => {
    it('flags spellings that alias another file on Windows', () => {
      assert.match(windowsPathProblem('.env.') ?? '', /ends with a dot or space/);
      assert.match(windowsPathProblem('.vscode /settings.json') ?? '', /ends with a dot or space/);
      assert.match(windowsPathProblem('notes.txt:secret') ?? '', /alternate data stream/);
      assert.match(windowsPathProblem('src/CON.txt') ?? '', /reserved device name/);
      assert.equal(windowsPathProblem('C:\\ws\\src\\a.ts'), undefined);
      assert.equal(windowsPathProblem('src/a.ts'), undefined);
    });
  });

  describe('writeFileNoFollow (checklist 3)', () => {
    it('writes a new file, creating missing folders, and leaves no temp file behind', async () => {
      const resolved = await resolveWorkspacePath(ws.root, 'src/gen/out.txt');
      await writeFileNoFollow(resolved, 'hello');
      assert.equal(await fs.readFile(path.join(ws.root, 'src', 'gen', 'out.txt'), 'utf8'), 'hello');
      assert.deepEqual(await fs.readdir(path.join(ws.root, 'src', 'gen')), ['out.txt']);
    });

    it('replaces a symlink at the target instead of following it', async () => {
      const resolved = await resolveWorkspacePath(ws.root, 'notes-link.txt');
      assert.equal(resolved.realRelative, 'notes.txt');
      await writeFileNoFollow(resolved, 'new content');
      const stat = await fs.lstat(path.join(ws.root, 'notes-link.txt'));
      assert.equal(stat.isSymbolicLink(), false);
      assert.equal(await fs.readFile(path.join(ws.root, 'notes-link.txt'), 'utf8'), 'new content');
      assert.equal(await fs.readFile(path.join(ws.root, 'notes.txt'), 'utf8'), 'original notes\n');
    });

    it('replaces a symlink planted after the check, leaving the outside target untouched', async () => {
      const resolved = await resolveWorkspacePath(ws.root, 'later.txt');
      await fs.symlink(path.join(ws.outside, 'target.txt'), path.join(ws.root, 'later.txt'));
      await writeFileNoFollow(resolved, 'agent output');
      assert.equal(await fs.readFile(path.join(ws.outside, 'target.txt'), 'utf8'), 'outside target\n');
      assert.equal((await fs.lstat(path.join(ws.root, 'later.txt'))).isSymbolicLink(), false);
      assert.equal(await fs.readFile(path.join(ws.root, 'later.txt'), 'utf8'), 'agent output');
    });

    it('refuses, writing nothing, when the folder was swapped for a link to the outside after the check', async () => {
      await fs.mkdir(path.join(ws.root, 'sub'));
      const resolved = await resolveWorkspacePath(ws.root, 'sub/file.txt');
      await fs.rm(path.join(ws.root, 'sub'), { recursive: true });
      await fs.symlink(ws.outside, path.join(ws.root, 'sub'));
      await assert.rejects(writeFileNoFollow(resolved, 'x'), (err: unknown) => {
        assert.ok(err instanceof PathRefusedError);
        assert.match(err.message, /outside the workspace root/);
        return true;
      });
      assert.deepEqual((await fs.readdir(ws.outside)).sort(), ['secret.txt', 'target.txt']);
    });

    it('keeps the permissions of the regular file it replaces', async function () {
      if (process.platform === 'win32') this.skip();
      const file = path.join(ws.root, 'src', 'a.ts');
      await fs.chmod(file, 0o600);
      await writeFileNoFollow(await resolveWorkspacePath(ws.root, 'src/a.ts'), 'changed');
      assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    });

    it('refuses to replace a directory, writing nothing', async () => {
      const resolved = await resolveWorkspacePath(ws.root, 'src');
      await assert.rejects(writeFileNoFollow(resolved, 'x'), /a directory already exists at the target/);
      assert.deepEqual(
        (await fs.readdir(ws.root)).filter((name) => name.endsWith('.tmp')),
        [],
      );
    });
  });
});
