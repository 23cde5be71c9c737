import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';

const posix = process.platform !== 'win32';

describe('checklist 18: a check that ended just before a crash is not run again (durable check records)', function () {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ao-record-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const counted = (name: string) => ({
    name,
    // Counts its runs in a file outside the record, prints, and fails with exit code 3.
    command: `echo run >> "${join(dir, 'count.txt')}"; echo "checked once"; echo "to stderr" >&2; exit 3`,
  });
  const runs = (): number =>
    existsSync(join(dir, 'count.txt')) ? readFileSync(join(dir, 'count.txt'), 'utf8').trim().split('\n').length : 0;

  it('writes the exit status and output into the record as the command ends, and replays them instead of running again', async function () {
    if (!posix) this.skip();
    const record = join(dir, 'record');
    const runner = new ChildProcessRunner();
    const signal = new AbortController().signal;
    const first = await runner.run(counted('check'), { signal, cwd: dir, record });
    assert.equal(first.exitCode, 3);
    assert.match(first.output, /checked once/);
    assert.match(first.output, /to stderr/);
    assert.equal(readFileSync(join(record, 'status'), 'utf8').trim(), '3', 'the shell wrote the status itself');
    // The process that ran it "crashed" before recording the result; the resumed run asks again.
    const again = await new ChildProcessRunner().run(counted('check'), { signal, cwd: dir, record });
    assert.equal(runs(), 1, 'the command ran once');
    assert.equal(again.exitCode, 3);
    assert.match(again.output, /checked once/);
    assert.match(again.output, /to stderr/);
  });

  it('runs again from nothing when the record has no status (the command itself was interrupted)', async function () {
    if (!posix) this.skip();
    const record = join(dir, 'record');
    mkdirSync(record);
    writeFileSync(join(record, 'output.log'), 'half of an earlier run\n');
    const result = await new ChildProcessRunner().run(counted('check'), {
      signal: new AbortController().signal,
      cwd: dir,
      record,
    });
    assert.equal(runs(), 1);
    assert.equal(result.exitCode, 3);
    assert.doesNotMatch(result.output, /half of an earlier run/);
  });

  it('keeps no record when none is asked for', async () => {
    const result = await new ChildProcessRunner().run(counted('check'), {
      signal: new AbortController().signal,
      cwd: dir,
    });
    assert.equal(result.exitCode, 3);
    await new ChildProcessRunner().run(counted('check'), { signal: new AbortController().signal, cwd: dir });
    assert.equal(runs(), 2);
  });

  it('still runs the check, unrecorded, when the record folder cannot be made', async function () {
    if (!posix) this.skip();
    writeFileSync(join(dir, 'not-a-folder'), 'a file where the record folder should go');
    const record = join(dir, 'not-a-folder', 'record');
    const result = await new ChildProcessRunner().run(counted('check'), {
      signal: new AbortController().signal,
      cwd: dir,
      record,
    });
    assert.equal(result.exitCode, 3);
    assert.equal(runs(), 1);
  });
});
