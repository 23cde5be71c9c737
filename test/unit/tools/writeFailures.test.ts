import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { TaskFailure } from '../../../src/core/model/failure';
import { resolveWorkspacePath, writeFileNoFollow } from '../../../src/core/policy/pathGuard';
import {
  isWorkspaceTempFile,
  removeInterruptedWrites,
  workspaceTempName,
} from '../../../src/core/policy/workspaceTempFiles';
import type { WorkspacePort } from '../../../src/core/tools/workspacePort';
import { killWriterMidWrite } from '../../support/killMidWrite';
import { deadPid } from '../store/storeTestUtils';
import { createToolHarness, fakeTask } from './toolHarness';
import type { ToolHarness } from './toolHarness';

const BEFORE = 'const a = 1;\n';
const AFTER = 'const a = 2;\n';

/** A port over the real workspace whose writes fail the way a full disk makes them fail. */
function diskFull(inner: WorkspacePort): WorkspacePort {
  return {
    get root() {
      return inner.root;
    },
    readFile: (p) => inner.readFile(p),
    statFile: (p) => inner.statFile(p),
    listFiles: (glob, limit) => inner.listFiles(glob, limit),
    searchText: (q, o) => inner.searchText(q, o),
    writeFile: async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
    },
    deleteFile: (p) => inner.deleteFile(p),
  };
}

/** Asserts that `call` failed the task (fatal) with a message naming the file and the reason. */
async function assertTaskFailed(call: Promise<unknown>, file: string, reason: RegExp): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof TaskFailure, `expected a TaskFailure, got ${String(err)}`);
    assert.equal(err.failureClass, 'fatal');
    assert.ok(err.message.includes(file), err.message);
    assert.match(err.message, reason);
    return true;
  });
}

async function filesIn(dir: string): Promise<string[]> {
  return (await fs.readdir(dir, { recursive: true })).map(String).sort();
}

describe('checklist 33: a write that fails (read-only file, full disk) fails its task with a clear finding', () => {
  let h: ToolHarness | undefined;
  afterEach(async () => {
    if (h) await fs.chmod(path.join(h.root, 'src/a.ts'), 0o644).catch(() => undefined);
    await h?.cleanup();
    h = undefined;
  });

  it('a read-only file (chmod 0444, also as root) fails the task with an EACCES finding; nothing is written', async () => {
    h = await createToolHarness({ files: { 'src/a.ts': BEFORE } });
    await fs.chmod(path.join(h.root, 'src/a.ts'), 0o444);
    const task = fakeTask();
    await assertTaskFailed(
      h.call(task, 'propose_edit', { path: 'src/a.ts', content: AFTER }),
      'src/a.ts',
      /EACCES: read-only/,
    );
    assert.equal(task.findings.length, 1);
    const [finding] = task.findings;
    assert.equal(finding?.severity, 'major');
    assert.equal(finding?.location, 'src/a.ts');
    assert.match(
      finding?.message ?? '',
      /^Could not write src\/a\.ts \(EACCES: read-only.*\); nothing was changed\. Make the file and its folder writable, then retry the task\.$/,
    );
    assert.equal(await h.read('src/a.ts'), BEFORE);
    assert.equal((await fs.stat(path.join(h.root, 'src/a.ts'))).mode & 0o777, 0o444, 'still read-only');
    assert.deepEqual(await filesIn(h.root), ['src', 'src/a.ts'], 'no temp file left');
    assert.ok(!task.events.some((e) => e.type === 'edit.applied'), 'no edit is recorded as applied');
  });

  it('deleting a read-only file fails the task the same way', async () => {
    h = await createToolHarness({ files: { 'src/a.ts': BEFORE } });
    await fs.chmod(path.join(h.root, 'src/a.ts'), 0o444);
    const task = fakeTask();
    await assertTaskFailed(
      h.call(task, 'propose_edit', { path: 'src/a.ts', delete: true }),
      'src/a.ts',
      /delete.*EACCES/,
    );
    assert.equal(await h.read('src/a.ts'), BEFORE);
    assert.equal(task.findings.length, 1);
  });

  it('a full disk (ENOSPC) fails the task with a "disk full" finding', async () => {
    h = await createToolHarness({ files: { 'src/a.ts': BEFORE }, wrapWorkspace: diskFull });
    const task = fakeTask();
    await assertTaskFailed(
      h.call(task, 'propose_edit', { path: 'src/a.ts', content: AFTER }),
      'src/a.ts',
      /ENOSPC: disk full/,
    );
    assert.match(task.findings[0]?.message ?? '', /Free disk space, then retry the task\./);
    assert.equal(task.findings[0]?.key, 'write-failed:src/a.ts:ENOSPC');
    assert.equal(await h.read('src/a.ts'), BEFORE);
  });

  it('a path mistake of the agent (a file where a folder must be) stays an error the model can correct', async () => {
    h = await createToolHarness({ files: { 'src/a.ts': BEFORE } });
    const task = fakeTask();
    const result = await h.call(task, 'propose_edit', { path: 'src/a.ts/inner.ts', content: AFTER });
    assert.equal(result.isError, true);
    assert.deepEqual(task.findings, []);
  });
});

describe('checklist 33: an interrupted write leaves no temp file in the workspace', function () {
  this.timeout(60_000);
  let base: string;
  let root: string;
  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'ao-kill-')));
    root = path.join(base, 'ws');
    await fs.mkdir(path.join(root, 'big'), { recursive: true });
  });
  afterEach(() => fs.rm(base, { recursive: true, force: true }));

  it('a writer SIGKILLed mid-write leaves the old or new file, a temp no listing shows, and the next start removes it', async () => {
    const killed = await killWriterMidWrite(root, 'big/data.txt');
    assert.ok(killed.temps.every(isWorkspaceTempFile));
    const size = 8 * 1024 * 1024;
    assert.ok(
      killed.content === 'A'.repeat(size) || killed.content === 'B'.repeat(size),
      'the target holds one whole version',
    );
    const workspace = new NodeWorkspace(root);
    assert.deepEqual((await workspace.listFiles(undefined, 100)).files, ['big/data.txt'], 'temp files are not listed');

    const sweep = await removeInterruptedWrites(root);
    assert.deepEqual(
      sweep.removed,
      killed.temps.map((t) => `big/${t}`),
    );
    assert.deepEqual(await filesIn(root), ['big', 'big/data.txt']);
  });

  it("the sweep leaves a live writer's temp file, user files with similar names, and never follows a link out", async () => {
    const outside = path.join(base, 'outside');
    await fs.mkdir(outside);
    const dead = await deadPid();
    const stale = workspaceTempName('x.ts').replace(`-${process.pid}-`, `-${dead}-`);
    const outsideTemp = workspaceTempName('y.ts').replace(`-${process.pid}-`, `-${dead}-`);
    await fs.writeFile(path.join(outside, outsideTemp), 'outside');
    await fs.symlink(outside, path.join(root, 'linked'));
    const live = workspaceTempName('z.ts');
    for (const name of [stale, live, '.notes.txt.0123456789ab.tmp', 'draft.tmp'])
      await fs.writeFile(path.join(root, 'big', name), 'x');

    const sweep = await removeInterruptedWrites(root);
    assert.deepEqual(sweep, { removed: [`big/${stale}`], truncated: false });
    assert.deepEqual(
      (await fs.readdir(path.join(root, 'big'))).sort(),
      ['.notes.txt.0123456789ab.tmp', live, 'draft.tmp'].sort(),
    );
    assert.deepEqual(await fs.readdir(outside), [outsideTemp], 'nothing outside the workspace is touched');
  });
});

describe('checklist 3: a write never follows a symlink already sitting at the target', () => {
  let h: ToolHarness | undefined;
  afterEach(() => h?.cleanup());

  it('replaces a link to a read-only file outside, planted after the check, leaving that file untouched', async () => {
    h = await createToolHarness({ files: { 'src/a.ts': BEFORE } });
    const secret = path.join(h.outside, 'secret.txt');
    await fs.writeFile(secret, 'outside\n');
    await fs.chmod(secret, 0o444);
    const resolved = await resolveWorkspacePath(h.root, 'src/a.ts');
    // The policy saw a plain file; a link lands there before the approved edit is written.
    await fs.rm(path.join(h.root, 'src/a.ts'));
    await fs.symlink(secret, path.join(h.root, 'src/a.ts'));
    await writeFileNoFollow(resolved, AFTER);
    assert.equal(await fs.readFile(secret, 'utf8'), 'outside\n');
    assert.equal((await fs.lstat(path.join(h.root, 'src/a.ts'))).isSymbolicLink(), false);
    assert.equal(await h.read('src/a.ts'), AFTER);
    assert.deepEqual(await filesIn(h.root), ['src', 'src/a.ts'], 'no temp file left');
  });
});
