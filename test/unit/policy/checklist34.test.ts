import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { PathRefusedError } from '../../../src/core/policy/pathGuard';
import { formatWorkspaceSummary, summariseWorkspace } from '../../../src/core/plan/workspaceSummary';
import { READ_FILE_MAX_CHARS } from '../../../src/core/tools/workspaceTools';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';
import { createToolHarness, fakeTask } from '../tools/toolHarness';
import type { ToolHarness } from '../tools/toolHarness';

const SECRET = 'sk-live-0123456789abcdef';
const MiB = 1024 * 1024;

describe('checklist 34: deny rules treat hard links like symlinks (a second link to .env is denied)', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({ files: { '.env': `API_KEY=${SECRET}\n`, 'src/a.ts': 'export const a = 1;\n' } });
    await fs.link(path.join(h.root, '.env'), path.join(h.root, 'src/config.txt'));
    await fs.writeFile(path.join(h.outside, 'credentials'), `token=${SECRET}\n`);
    await fs.link(path.join(h.outside, 'credentials'), path.join(h.root, 'notes.txt'));
  });
  afterEach(() => h.cleanup());

  it('the policy denies reading and writing a second link to .env, and one to a file outside, naming the reason', async () => {
    for (const file of ['src/config.txt', 'notes.txt']) {
      for (const kind of ['read', 'write'] as const) {
        const verdict = await h.policy.evaluate({ kind, tool: 'read_file', path: file });
        assert.equal(verdict.decision, 'deny', `${kind} ${file}`);
        assert.match(verdict.reason, /it is a hard link \(2 names for one file\)/);
      }
    }
    const plain = await h.policy.evaluate({ kind: 'read', tool: 'read_file', path: 'src/a.ts' });
    assert.equal(plain.decision, 'allow', 'a file with one name is read as before');
  });

  it('read_file, search_text and propose_edit never show the linked secret, and nothing is written', async () => {
    const task = fakeTask();
    const read = await h.call(task, 'read_file', { path: 'src/config.txt' });
    assert.equal(read.isError, true);
    assert.match(read.content, /hard link/);
    const search = await h.call(task, 'search_text', { query: SECRET });
    const hits = search.content.split('\n').filter((line) => /^\S+:\d+: /.test(line));
    assert.deepEqual(hits, [], search.content);
    const edit = await h.call(task, 'propose_edit', { path: 'notes.txt', content: 'mine\n' });
    assert.equal(edit.isError, true);
    assert.match(edit.content, /hard link/);
    assert.equal(h.approvals.proposals.length, 0, 'nobody is asked to approve a diff of the secret');
    assert.equal(await fs.readFile(path.join(h.outside, 'credentials'), 'utf8'), `token=${SECRET}\n`);
  });

  it('the workspace port refuses a link made after the policy check (read on the open file)', async () => {
    await assert.rejects(new NodeWorkspace(h.root).readFile('src/config.txt'), (err: unknown) => {
      assert.ok(err instanceof PathRefusedError);
      assert.match(err.message, /hard link/);
      return true;
    });
  });

  it("the planner's workspace summary does not carry the linked secret", async () => {
    await fs.writeFile(path.join(h.root, '.gitignore'), '.env\n'); // not listed: only its second name is
    await fs.writeFile(path.join(h.root, 'README.md'), '# App\n\nReads its API key from config.\n');
    const summary = await summariseWorkspace(h.workspace, 'rotate the API key in config and notes');
    const text = formatWorkspaceSummary(summary);
    assert.match(text, /README\.md/, 'the summary was built');
    assert.ok(!text.includes(SECRET), text);
  });
});

describe('checklist 34: files over a size cap are never read whole into a prompt', () => {
  let h: ToolHarness;
  const big = `${'const filler = 1;\n'.repeat((2 * MiB) / 18)}const needle = 'NEEDLE_BIG';\n`;
  const wide = `const x = 'NEEDLE_WIDE ${'y'.repeat(400_000)} TAIL_END';\n`;
  beforeEach(async () => {
    h = await createToolHarness({
      files: {
        'big.ts': big,
        'wide.ts': wide,
        'README.md': `# Readme\n\n${'Words about the project. '.repeat(36_000)}\n`,
      },
      rules: [{ effect: 'allow', command: 'node *' }],
      verification: {
        runner: new ChildProcessRunner({ defaultTimeoutMs: 20_000 }),
        steps: {
          noisy: { name: 'noisy', command: `node -e "process.stdout.write('z'.repeat(3e6)); process.exit(1)"` },
        },
      },
    });
  });
  afterEach(() => h.cleanup());

  it('read_file refuses a file over 1 MiB and returns at most 100 000 characters of one under it', async () => {
    const task = fakeTask();
    const refused = await h.call(task, 'read_file', { path: 'big.ts' });
    assert.equal(refused.isError, true);
    assert.match(refused.content, /big\.ts is 2\.0 MB, more than the 1\.0 MB that can be read; use search_text/);
    const window = await h.call(task, 'read_file', { path: 'wide.ts' });
    assert.ok(window.content.length <= READ_FILE_MAX_CHARS + 200, `${window.content.length} characters`);
    assert.ok(window.content.includes('NEEDLE_WIDE') && !window.content.includes('TAIL_END'), 'the long line is cut');
  });

  it('search_text skips files over the cap and cuts long lines', async () => {
    const task = fakeTask();
    const inBig = await h.call(task, 'search_text', { query: 'NEEDLE_BIG' });
    assert.match(inBig.content, /^No matches/);
    const inWide = await h.call(task, 'search_text', { query: 'NEEDLE_WIDE' });
    assert.match(inWide.content, /^wide\.ts:1: /);
    assert.ok(inWide.content.length < 1000, `${inWide.content.length} characters`);
  });

  it("the planner's summary stays within its token budget with a 900 KB README and a 2 MB source file", async () => {
    const summary = await summariseWorkspace(h.workspace, 'find the needle NEEDLE_BIG');
    const text = formatWorkspaceSummary(summary);
    assert.ok(summary.tokens <= summary.budgetTokens, `${summary.tokens} > ${summary.budgetTokens}`);
    assert.match(text, /README\.md:\n# Readme\n\nWords about the project\./, 'the README is shown, clipped');
    assert.ok(text.length < 40_000, `${text.length} characters`);
    assert.ok(!text.includes('NEEDLE_BIG'), 'the oversized file is not indexed or excerpted');
  });

  it('a verification that prints 3 MB gives the model a bounded result', async function () {
    this.timeout(30_000);
    const result = await h.call(fakeTask(), 'run_verification', { name: 'noisy' });
    assert.match(result.content, /noisy|exit code 1/i);
    assert.ok(result.content.length < 20_000, `${result.content.length} characters`);
  });
});
