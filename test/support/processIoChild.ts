import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI_IO = resolve(__dirname, '../../src/cli/cliIo.ts');

/**
 * Runs `body` in a real child process with `cliIo` (src/cli/cliIo.ts) and `io = cliIo.processIo()`
 * in scope, its stdout and stderr going to files (one file for both when `oneFile`); returns what
 * reached them. The body must end the process (e.g. `process.exit(0)`); the exit code must be 0.
 */
export async function runWithProcessIo(
  body: string,
  env: Record<string, string>,
  oneFile: boolean,
): Promise<{ stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ao-process-io-'));
  const script = `const cliIo = require(${JSON.stringify(CLI_IO)});\nconst io = cliIo.processIo();\n${body}`;
  const out = await open(join(dir, 'out.txt'), 'w');
  const err = oneFile ? out : await open(join(dir, 'err.txt'), 'w');
  try {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      stdio: ['ignore', out.fd, err.fd],
      env: { ...process.env, ...env },
      timeout: 15_000,
    });
    assert.equal(await new Promise((done) => child.once('close', done)), 0);
    return {
      stdout: await readFile(join(dir, 'out.txt'), 'utf8'),
      stderr: oneFile ? '' : await readFile(join(dir, 'err.txt'), 'utf8'),
    };
  } finally {
    await out.close();
    if (!oneFile) await err.close();
    await rm(dir, { recursive: true, force: true });
  }
}
