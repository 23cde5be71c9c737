import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { READ_FILE_MAX_LINES } from '../../../src/core/tools/workspaceTools';
import { createToolHarness, fakeTask } from './toolHarness';
import type { ToolHarness } from './toolHarness';

/** The deny rule a user adds to keep secrets out of prompts; DEFAULT_POLICY_RULES has only command rules. */
const DENY_ENV = { effect: 'deny' as const, path: '**/.env*', reason: 'secrets stay out of prompts' };

describe('workspace tools', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({
      files: {
        '.gitignore': 'dist/\n',
        'src/a.ts': 'line one\nline two\nline three\n',
        '.env': 'API_KEY=hunter2\n',
        'dist/a.js': 'line one\n',
      },
      rules: [DENY_ENV],
    });
    await fs.writeFile(path.join(h.outside, 'secret.txt'), 'outside secret\n');
  });
  afterEach(() => h.cleanup());

  describe('read_file', () => {
    it('returns numbered lines with a header', async () => {
      const result = await h.call(fakeTask(), 'read_file', { path: 'src/a.ts' });
      assert.equal(result.isError, undefined);
      assert.equal(result.content, 'src/a.ts (lines 1-3 of 3)\n1\tline one\n2\tline two\n3\tline three');
    });

    it('shows a window and says how to continue when cut', async () => {
      const many = Array.from({ length: READ_FILE_MAX_LINES + 10 }, (_, i) => `l${i + 1}`).join('\n');
      await h.write('long.txt', many);
      const window = await h.call(fakeTask(), 'read_file', { path: 'src/a.ts', startLine: 2, endLine: 2 });
      assert.equal(window.content, 'src/a.ts (lines 2-2 of 3)\n2\tline two');
      const long = await h.call(fakeTask(), 'read_file', { path: 'long.txt' });
      assert.match(
        long.content,
        new RegExp(`^long\\.txt \\(lines 1-${READ_FILE_MAX_LINES} of ${READ_FILE_MAX_LINES + 10}\\)`),
      );
      assert.match(
        long.content,
        new RegExp(`call read_file with startLine ${READ_FILE_MAX_LINES + 1} for the rest\\]$`),
      );
    });

    it('answers a missing file, a bad window and a folder with error results', async () => {
      const missing = await h.call(fakeTask(), 'read_file', { path: 'src/nope.ts' });
      assert.deepEqual(missing, {
        isError: true,
        content: 'src/nope.ts does not exist. Use list_files or search_text to find the right path.',
      });
      const past = await h.call(fakeTask(), 'read_file', { path: 'src/a.ts', startLine: 9 });
      assert.equal(past.isError, true);
      assert.match(past.content, /has only 3 lines/);
      const folder = await h.call(fakeTask(), 'read_file', { path: 'src' });
      assert.equal(folder.isError, true);
      assert.match(folder.content, /src is a folder/);
    });

    it('refuses paths outside the workspace with the reason (checklist 1)', async () => {
      await fs.symlink(path.join(h.outside, 'secret.txt'), path.join(h.root, 'link-out'));
      for (const p of ['../outside/secret.txt', path.join(h.outside, 'secret.txt'), 'link-out']) {
        const result = await h.call(fakeTask(), 'read_file', { path: p });
        assert.equal(result.isError, true, p);
        assert.match(result.content, /^Reading .* is not allowed: Refused path .*outside the workspace root/, p);
        assert.doesNotMatch(result.content, /outside secret/);
      }
    });

    it('denies .env and a symlink to it, by the rule on its real path (checklist 2)', async () => {
      await fs.symlink('.env', path.join(h.root, 'innocent.txt'));
      for (const p of ['.env', 'innocent.txt']) {
        const result = await h.call(fakeTask(), 'read_file', { path: p });
        assert.equal(result.isError, true, p);
        assert.match(result.content, /is not allowed: Denied read of .*secrets/, p);
        assert.doesNotMatch(result.content, /hunter2/);
      }
    });
  });

  describe('list_files', () => {
    it('lists files honouring .gitignore, and says when truncated', async () => {
      const all = await h.call(fakeTask(), 'list_files', {});
      assert.equal(all.content, '.env\n.gitignore\nsrc/a.ts');
      const cut = await h.call(fakeTask(), 'list_files', { limit: 1 });
      assert.match(cut.content, /^\.env\n\[truncated: more files match the workspace/);
      const none = await h.call(fakeTask(), 'list_files', { glob: '*.py' });
      assert.equal(none.content, 'No files match "*.py".');
    });

    it('obeys a policy rule against the tool itself', async () => {
      const denied = await createToolHarness({
        rules: [{ effect: 'deny', tool: 'list_files', reason: 'no browsing' }],
      });
      try {
        const result = await denied.call(fakeTask(), 'list_files', {});
        assert.equal(result.isError, true);
        assert.match(result.content, /Using list_files is not allowed: .*no browsing/);
      } finally {
        await denied.cleanup();
      }
    });
  });

  describe('search_text', () => {
    it('returns path:line: text, skipping ignored files', async () => {
      const result = await h.call(fakeTask(), 'search_text', { query: 'line t' });
      assert.equal(result.content, 'src/a.ts:2: line two\nsrc/a.ts:3: line three');
    });

    it('hides matches in files the policy forbids reading, and says so (checklist 2)', async () => {
      const result = await h.call(fakeTask(), 'search_text', { query: 'API_KEY' });
      assert.doesNotMatch(result.content, /hunter2/);
      assert.equal(result.content, '[1 match in files you may not read was left out]');
    });

    it('turns a bad regex into an error result the model can fix', async () => {
      const result = await h.call(fakeTask(), 'search_text', { query: '([', regex: true });
      assert.equal(result.isError, true);
      assert.match(result.content, /regular expression "\(\[" is invalid/);
    });

    it('reports no matches and truncation plainly', async () => {
      assert.equal((await h.call(fakeTask(), 'search_text', { query: 'zzz' })).content, 'No matches for "zzz".');
      const cut = await h.call(fakeTask(), 'search_text', { query: 'line', limit: 1 });
      assert.equal(
        cut.content,
        'src/a.ts:1: line one\n[truncated: there are more matches; narrow the query or the glob]',
      );
    });
  });
});
