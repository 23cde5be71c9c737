import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { RunLogger } from '../../../src/core/observe/runLogger';
import type { PolicyRule } from '../../../src/core/policy/policyRules';
import { fakeTask } from './toolHarness';
import type { FakeTask, FakeTaskOptions } from './toolHarness';

/** Scripts the tests run with `node <file>` in the sandbox workspace. */
export const COMMAND_SCRIPTS: Record<string, string> = {
  // Appends a line per run: how many times it ran is how many lines there are.
  'marker.js': "require('fs').appendFileSync('marker.txt', 'ran\\n');\nconsole.log('marker written');\n",
  // One stream only: stdout and stderr are two pipes, and which one the parent reads first is not fixed.
  'big.js': "process.stdout.write('x'.repeat(300000) + '\\nEND-OF-OUTPUT\\n');\n",
  // The three stdout lines in one write: a stderr chunk read between two stdout writes would split them.
  'lines.js': "process.stdout.write('line 1\\nline 2\\nline 3\\n');\nconsole.error('to stderr');\nprocess.exit(3);\n",
  // A child that starts a grandchild, writes both pids, and waits forever.
  'tree.js': [
    "const { spawn } = require('child_process');",
    "const fs = require('fs');",
    "const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
    "fs.writeFileSync('pids.tmp', JSON.stringify({ child: process.pid, grandchild: g.pid }));",
    "fs.renameSync('pids.tmp', 'pids.json');",
    'setInterval(() => {}, 1000);',
    '',
  ].join('\n'),
};

/** User rules allowing each script by exact command, as settings would. */
export const SCRIPT_RULES: PolicyRule[] = Object.keys(COMMAND_SCRIPTS).map((file) => ({
  effect: 'allow',
  command: `node ${file}`,
  reason: 'allowed by the test',
}));

/** A fake attempt whose log entries are kept. */
export function loggedTask(options: FakeTaskOptions & { signal?: AbortSignal } = {}): FakeTask & {
  logs: Array<Extract<RunEventBody, { type: 'log' }>>;
} {
  const logs: Array<Extract<RunEventBody, { type: 'log' }>> = [];
  const base = fakeTask(options);
  const log = new RunLogger((e) => {
    if (e.type === 'log') logs.push(e);
  });
  return { ...base, ...(options.signal ? { signal: options.signal } : {}), log, logs };
}

/** Whether a process is running (a zombie waiting to be reaped counts as gone). */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat !== undefined) return !/^\d+ \(.*\) Z/.test(stat);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (polling, bounded) until the process is gone; true when it is. */
export async function becomesGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!(await isRunning(pid))) return true;
    await sleep(50);
  }
  return false;
}

/** Waits (polling, bounded) until a file can be read. */
export async function readWhenThere(file: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
    await sleep(25);
  }
  throw new Error(`${file} never appeared`);
}
