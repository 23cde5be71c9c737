import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedRequest } from './fakeModelServer/fakeModelServer';
import { toolCallReply, type FakeMessage } from './fakeModelServer/fakeReply';
import { taskOfRequest } from './scriptedTeam';

/** The line after which every task inserts its own line into `journal.md`. */
const END_MARKER = '<!-- end -->';
/**
 * Size of the files every third task writes, so a kill can land while one is being written; below
 * the workspace's 1 MiB read limit, so a resumed attempt can propose the same file again.
 */
const BIG_FILE_CHARS = 900 * 1024;

/** The crash loop's plan: tasks that each insert a line into a shared journal and write a file of their own. */
export function crashPlan(count: number): { goal: string; tasks: Array<Record<string, unknown>> } {
  return {
    goal: 'Fill the journal',
    tasks: Array.from({ length: count }, (_, i) => {
      const id = `t${String(i).padStart(2, '0')}`;
      return {
        id,
        title: `Journal ${id}`,
        requiredCapabilities: ['code'],
        writes: ['journal.md', `files/${id}.txt`],
        ...(i > 0 ? { dependencies: [`t${String(i - 1).padStart(2, '0')}`] } : {}),
      };
    }),
  };
}

/** What task `id` writes to its own file: every third task a big file. */
export function crashFileContent(id: string): string {
  const n = Number(id.slice(1));
  const head = `file of ${id}\n`;
  // Plain English words (about 4.5 characters a token): the agent's request that carries the file
  // stays well inside its token limit as a real tokenizer counts it ("t02 t02 …" is 2 a token).
  const line = `Task ${id} wrote this line of its big file for the crash loop test.\n`;
  return n % 3 === 2 ? head + line.repeat(Math.ceil(BIG_FILE_CHARS / line.length)) : head;
}

/**
 * The workspace (journal, `files/`) and, outside it, the verification script: it appends
 * `start <gate>` and `end <gate>` to `counterFile`, where the gate is read from the run's durable
 * event log (`<stateDir>/runs/<id>/events.jsonl`): the one `verify:` step open at the moment in the
 * task's latest attempt (task, attempt and step key; the crash loop runs one task at a time), else
 * `baseline` before the baseline is recorded, else `run-gate <n>`.
 */
export async function crashWorkspace(
  ws: string,
  scriptDir: string,
  stateDir: string,
  counterFile: string,
): Promise<string> {
  await mkdir(join(ws, 'files'), { recursive: true });
  await writeFile(join(ws, 'files', 'README.md'), 'Files the tasks write.\n');
  await writeFile(join(ws, 'journal.md'), `# Journal\n${END_MARKER}\n`);
  const script = join(scriptDir, 'verify.js');
  await writeFile(
    script,
    `const fs = require('fs');
const path = require('path');
const runs = path.join(${JSON.stringify(stateDir)}, 'runs');
const dir = fs.readdirSync(runs).find((d) => fs.existsSync(path.join(runs, d, 'events.jsonl')));
const events = fs.readFileSync(path.join(runs, dir, 'events.jsonl'), 'utf8').split('\\n').flatMap((line) => {
  try { return [JSON.parse(line)]; } catch { return []; }
});
const open = new Map();
for (const e of events) {
  // A new attempt ends the steps its killed predecessors left open.
  if (e.type === 'task.started') for (const id of [...open.keys()]) if (id.startsWith(e.taskId + ' ')) open.delete(id);
  if (!e.key || !e.key.startsWith('verify:')) continue;
  const id = e.taskId + ' ' + e.attempt + ' ' + e.key;
  if (e.type === 'task.step.started') open.set(id, e);
  if (e.type === 'task.step.completed') open.delete(id);
}
const gate = open.size === 1 ? [...open.keys()][0] : open.size > 1 ? 'ambiguous ' + [...open.keys()].join(',')
  : events.some((e) => e.type === 'verification.baseline') ? 'run-gate ' + (events.filter((e) => e.type === 'run.gate').length + 1)
  : 'baseline';
const counter = ${JSON.stringify(counterFile)};
fs.appendFileSync(counter, 'start ' + gate + '\\n');
const journal = fs.readFileSync('journal.md', 'utf8');
const lines = journal.split('\\n').filter((l) => l.startsWith('- '));
if (new Set(lines).size !== lines.length) { console.error('journal.md has a duplicate line'); process.exit(1); }
fs.appendFileSync(counter, 'end ' + gate + '\\n');
`,
  );
  return script;
}

interface WireMessage {
  role: string;
  content?: unknown;
}

/**
 * The crash loop's model, which acts as a careful model does after a crash (its brief says to check
 * the workspace first): it reads `journal.md`, inserts its line only when it is not there, writes
 * its own file, then finishes. Answers depend on the conversation only, never on arrival order.
 */
export function crashTeam(request: RecordedRequest): FakeMessage {
  const id = taskOfRequest(request) ?? 'unknown';
  const messages = (request.body as { messages?: WireMessage[] }).messages ?? [];
  const results = messages.filter((m) => m.role === 'tool').map((m) => String(m.content ?? ''));
  const extra = { usage: { inputTokens: 300, outputTokens: 30 }, chunkSize: 1 << 20, delayMs: 20 };
  const read = results.find((r) => r.startsWith('journal.md (lines'));
  if (read === undefined) return toolCallReply('read_file', { path: 'journal.md' }, extra);
  const inJournal = new RegExp(`^\\d+\\t- ${id}$`, 'm').test(read) || results.includes('Updated journal.md.');
  if (!inJournal)
    return toolCallReply(
      'propose_edit',
      { path: 'journal.md', edits: [{ search: END_MARKER, replace: `- ${id}\n${END_MARKER}` }] },
      extra,
    );
  const own = `files/${id}.txt`;
  if (!results.some((r) => r.startsWith(`Created ${own}.`) || r.startsWith(`No change: ${own}`)))
    return toolCallReply('propose_edit', { path: own, content: crashFileContent(id) }, extra);
  return toolCallReply('finish_task', { summary: `journaled ${id}` }, extra);
}
