import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const KEY = 'sk-test-console-0123456789';
const CLI_IO = resolve(__dirname, '../../../src/cli/cliIo.ts');

/** Runs a script that routes console to the CLI's stderr and prints from "a library"; returns what reached each file. */
async function run(sameFile: boolean): Promise<{ stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ao-route-console-'));
  const script = `
    const { processIo, routeConsoleTo } = require(${JSON.stringify(CLI_IO)});
    const io = processIo();
    routeConsoleTo(io.stderr);
    io.stdout.write('a\\n');
    console.log('library says %s', process.env.OPENAI_API_KEY);
    console.warn({ n: 1 });
    console.info('info');
    io.stdout.write('d\\n');
    process.exit(0);
  `;
  const out = await open(join(dir, 'out.txt'), 'w');
  const err = sameFile ? out : await open(join(dir, 'err.txt'), 'w');
  try {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      stdio: ['ignore', out.fd, err.fd],
      env: { ...process.env, OPENAI_API_KEY: KEY },
      timeout: 15_000,
    });
    assert.equal(await new Promise((done) => child.once('close', done)), 0);
    return {
      stdout: await readFile(join(dir, 'out.txt'), 'utf8'),
      stderr: sameFile ? '' : await readFile(join(dir, 'err.txt'), 'utf8'),
    };
  } finally {
    await out.close();
    if (!sameFile) await err.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('CLI: console output of libraries goes to stderr through the CLI stream (real process)', function () {
  this.timeout(30_000);

  it('never reaches stdout, and keys in it are scrubbed', async () => {
    const { stdout, stderr } = await run(false);
    assert.equal(stdout, 'a\nd\n');
    assert.equal(stderr, 'library says [redacted]\n{ n: 1 }\ninfo\n');
    assert.ok(!stderr.includes(KEY));
  });

  it('comes after the stdout text written before it in the same tick', async () => {
    const { stdout } = await run(true);
    assert.equal(stdout, 'a\nlibrary says [redacted]\n{ n: 1 }\ninfo\nd\n');
  });
});
