import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TickBatchedStream } from '../../../src/cli/tickBatchedStream';

describe('CLI output: stdout written once per tick (TickBatchedStream)', function () {
  this.timeout(20_000);

  it("one tick's writes reach the stream as one write, bytes and order unchanged; the next tick's as another", async () => {
    const writes: string[] = [];
    const batch = new TickBatchedStream({ write: (text) => writes.push(text) });
    for (let i = 0; i < 100; i++) batch.write(`{"seq":${i}}\n`);
    batch.write('');
    assert.deepEqual(writes, [], 'nothing is written before the tick ends');
    await new Promise((done) => process.nextTick(done));
    assert.equal(writes.length, 1);
    assert.equal(writes[0], Array.from({ length: 100 }, (_, i) => `{"seq":${i}}\n`).join(''));
    batch.write('next\n');
    await Promise.resolve();
    batch.write('tick\n');
    await new Promise((done) => setImmediate(done));
    assert.deepEqual(writes.slice(1), ['next\ntick\n']);
  });

  it('drain hands the pending text over at once, and the deferred drain then writes nothing more', async () => {
    const writes: string[] = [];
    const batch = new TickBatchedStream({ write: (text) => writes.push(text) });
    batch.write('a\n');
    batch.write('b\n');
    batch.drain();
    assert.deepEqual(writes, ['a\nb\n']);
    await new Promise((done) => setImmediate(done));
    assert.deepEqual(writes, ['a\nb\n']);
  });

  it('the real process: stdout and stderr keep their order on one file, nothing is lost at process.exit, keys are scrubbed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ao-tick-batch-'));
    const file = join(dir, 'out.txt');
    const key = 'sk-test-0123456789abcdef';
    const cliIo = resolve(__dirname, '../../../src/cli/cliIo.ts');
    const script = `
      const io = require(${JSON.stringify(cliIo)}).processIo();
      io.stdout.write('a\\n');
      io.stderr.write('b\\n');
      io.stdout.write('c ${key.slice(0, 10)}');
      io.stdout.write('${key.slice(10)}\\n');
      io.stdout.write('d\\n');
      process.exit(0);
    `;
    const handle = await open(file, 'w');
    try {
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
        stdio: ['ignore', handle.fd, handle.fd],
        env: { ...process.env, OPENAI_API_KEY: key },
        timeout: 15_000,
      });
      assert.equal(await new Promise((done) => child.once('close', done)), 0);
      assert.equal(await readFile(file, 'utf8'), 'a\nb\nc [redacted]\nd\n');
    } finally {
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
