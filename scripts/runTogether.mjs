// Runs npm scripts at the same time and fails if any of them fails, e.g. `node scripts/runTogether.mjs check-types lint`.
// Each script's output is held back and printed whole when it ends, so two tools' errors never interleave.
// `npm test` uses it for the type check and the lint: each is single-threaded, so on two cores together they take
// about as long as the slower one.
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node scripts/runTogether.mjs <npm script> [<npm script> ...]');
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs `npm run <script>`; resolves with its exit code once its held-back output is printed. */
function run(script) {
  const started = Date.now();
  const output = [];
  const child = spawn(npm, ['run', script], { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    const finish = (code, why) => {
      process.stdout.write(Buffer.concat(output));
      const seconds = Math.round((Date.now() - started) / 1000);
      console.log(`[runTogether] npm run ${script}: ${code === 0 ? 'passed' : `FAILED (${why})`} in ${seconds} s`);
      resolve(code);
    };
    child.once('error', (error) => finish(1, error.message));
    child.once('close', (code, signal) => finish(code ?? 1, signal ? `killed by ${signal}` : `exit code ${code}`));
  });
}

const codes = await Promise.all(scripts.map(run));
const failed = scripts.filter((_, index) => codes[index] !== 0);
if (failed.length > 0) {
  console.error(`[runTogether] failed: ${failed.map((script) => `npm run ${script}`).join(', ')}`);
  process.exit(1);
}
