import { strict as assert } from 'node:assert';
import { runWithProcessIo } from '../../support/processIoChild';

const KEY = 'sk-test-console-0123456789';

/** Routes console to the CLI's stderr and prints from "a library"; returns what reached each file. */
function run(oneFile: boolean): Promise<{ stdout: string; stderr: string }> {
  const body = `
    cliIo.routeConsoleTo(io.stderr);
    io.stdout.write('a\\n');
    console.log('library says %s', process.env.OPENAI_API_KEY);
    console.warn({ n: 1 });
    console.info('info');
    io.stdout.write('d\\n');
    process.exit(0);
  `;
  return runWithProcessIo(body, { OPENAI_API_KEY: KEY }, oneFile);
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
