import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GitignoreFilter } from '../../../src/core/tools/gitignoreFilter';
import { createToolHarness, fakeTask, type ToolHarness } from './toolHarness';

const SECRET = 'API_KEY=hunter2';
const IGNORED = 'TOKEN=ignored-but-linked';

describe('checklist 2: deny and ignore rules are checked against both the requested path and its real path', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({
      files: {
        '.env': `${SECRET}\n`,
        '.gitignore': 'private/\n*.log\n',
        'private/token.txt': `${IGNORED}\n`,
        'build.log': `${IGNORED} in a log\n`,
        'src/a.ts': 'export const a = 1;\n',
      },
    });
    // Innocent names inside the workspace for a denied file and for ignored files.
    await fs.symlink('.env', path.join(h.root, 'settings.txt'));
    await fs.symlink('../.env', path.join(h.root, 'src', 'config.ts'));
    await fs.symlink('private/token.txt', path.join(h.root, 'notes.txt'));
    await fs.symlink('build.log', path.join(h.root, 'readme-link.md'));
  });
  afterEach(() => h.cleanup());

  it('read_file refuses a link to .env by the deny rule on its real path', async () => {
    for (const p of ['settings.txt', 'src/config.ts']) {
      const result = await h.call(fakeTask(), 'read_file', { path: p });
      assert.equal(result.isError, true, p);
      assert.match(result.content, /is not allowed: Denied read of .*really "\.env"/, p);
      assert.doesNotMatch(result.content, /hunter2/, p);
    }
  });

  it('propose_edit refuses a link to .env, and .env is unchanged', async () => {
    const task = fakeTask({ task: { writes: ['settings.txt'] } });
    const result = await h.call(task, 'propose_edit', { path: 'settings.txt', content: 'API_KEY=changed\n' });
    assert.equal(result.isError, true);
    assert.match(result.content, /is not allowed: Denied write of .*really "\.env"/);
    assert.equal(await h.read('.env'), `${SECRET}\n`);
    assert.deepEqual(h.approvals.proposals, []);
  });

  it('search_text shows no line of .env through a link', async () => {
    const result = await h.call(fakeTask(), 'search_text', { query: 'hunter2' });
    assert.doesNotMatch(result.content, /hunter2/);
    assert.match(result.content, /left out/);
  });

  it('list_files and search_text leave out a link whose real path is ignored', async () => {
    const listed = await h.call(fakeTask(), 'list_files', {});
    assert.deepEqual(
      listed.content.split('\n').sort(),
      ['.env', '.gitignore', 'settings.txt', 'src/a.ts', 'src/config.ts'].sort(),
    );
    const found = await h.call(fakeTask(), 'search_text', { query: 'ignored-but-linked' });
    assert.equal(found.content, 'No matches for "ignored-but-linked".');
  });

  it('the ignore filter the editor host uses answers for the real path too', async () => {
    const filter = new GitignoreFilter(await fs.realpath(h.root));
    assert.equal(await filter.isIgnored('notes.txt'), true, 'a link into an ignored folder');
    assert.equal(await filter.isIgnored('readme-link.md'), true, 'a link to an ignored file');
    assert.equal(await filter.isIgnored('private/token.txt'), true);
    assert.equal(await filter.isIgnored('settings.txt'), false, 'a link to a file git does not ignore');
    assert.equal(await filter.isIgnored('src/a.ts'), false);
  });
});
