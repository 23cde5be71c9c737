import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isWorkspaceTempFile } from '../../src/core/policy/workspaceTempFiles';

const REPO_ROOT = resolve(__dirname, '../..');
const WRITER = join(REPO_ROOT, 'test/unit/tools/children/workspaceWriteLoop.ts');

/** What a writer killed mid-write left: the temp files beside the target, and the target's content. */
export interface KilledWrite {
  /** Names of the temp files in the target's folder right after the kill (at least one). */
  temps: string[];
  content: string;
}

/**
 * Starts a child that rewrites `file` (workspace-relative) of `root` through the CLI's workspace
 * port in a loop, waits until a temp file of a write is on disk, and SIGKILLs the child. Tries
 * again when the kill landed just after a rename (no temp left), so the result always has one.
 */
export async function killWriterMidWrite(root: string, file: string, attempts = 10): Promise<KilledWrite> {
  const folder = join(root, dirname(file));
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', WRITER, root, file], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    await new Promise<void>((ready, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) ready();
      });
      child.once('exit', (code) => fail(new Error(`the writer exited (${code}) before it was ready: ${stderr}`)));
    });
    // Poll until a write is in flight; the loop writes back to back, so one soon is.
    for (let polls = 0; polls < 10_000; polls++) {
      if ((await readdir(folder)).some(isWorkspaceTempFile)) break;
    }
    child.kill('SIGKILL');
    await exited;
    const temps = (await readdir(folder)).filter(isWorkspaceTempFile);
    if (temps.length > 0) return { temps, content: await readFile(join(root, file), 'utf8') };
  }
  throw new Error(`no kill out of ${attempts} landed while a temp file was on disk`);
}
