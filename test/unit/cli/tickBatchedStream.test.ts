import assert from 'node:assert/strict';
import { TickBatchedStream } from '../../../src/cli/tickBatchedStream';
import { runWithProcessIo } from '../../support/processIoChild';

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
    const key = 'sk-test-0123456789abcdef';
    const body = `
      io.stdout.write('a\\n');
      io.stderr.write('b\\n');
      io.stdout.write('c ${key.slice(0, 10)}');
      io.stdout.write('${key.slice(10)}\\n');
      io.stdout.write('d\\n');
      process.exit(0);
    `;
    const { stdout } = await runWithProcessIo(body, { OPENAI_API_KEY: key }, true);
    assert.equal(stdout, 'a\nb\nc [redacted]\nd\n');
  });
});
