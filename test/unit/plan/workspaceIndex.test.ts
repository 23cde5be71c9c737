import assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../../src/core/plan/workspaceIndex';
import { countingWorkspace, tempWorkspace, type TempWorkspace } from '../../support/tempWorkspace';

const AUTH_FILES = {
  'src/auth/jwtMiddleware.ts': [
    '// Authentication middleware: verifies the JWT bearer token of each request.',
    'export function verifyJwt(token: string): boolean {',
    '  return checkSignature(token); // JWT signature, expiry and audience',
    '}',
  ].join('\n'),
  'src/auth/session.ts': 'export const sessionCookie = "sid"; // a session, not a token\n',
  'src/db/users.ts': 'export const usersTable = "users";\nexport function findUser(id: string) { return id; }\n',
  'docs/notes.md': '# Release notes\n\nNothing about security here.\n',
};

describe('WorkspaceIndex: ranked full-text search over the workspace port', () => {
  let t: TempWorkspace;
  afterEach(async () => t?.cleanup());

  async function indexOf(files: Record<string, string | Buffer>, options = {}) {
    t = await tempWorkspace(files);
    const port = countingWorkspace(t.workspace);
    const index = new WorkspaceIndex(port, options);
    const first = await index.refresh();
    return { index, port, first };
  }
  const paths = (index: WorkspaceIndex, query: string) => index.rank(query, 10).map((r) => r.path);

  it('ranks the file that matches the goal best first, and files matching nothing not at all', async () => {
    const { index } = await indexOf(AUTH_FILES);
    const ranked = paths(index, 'Verify JWT tokens in the authentication middleware');
    assert.equal(ranked[0], 'src/auth/jwtMiddleware.ts');
    assert.ok(!ranked.includes('docs/notes.md') && !ranked.includes('src/db/users.ts'), ranked.join(', '));
    assert.deepEqual(index.rank('the and of', 10), [], 'a goal of function words only finds nothing');
  });

  it('weighs words in a path: a file named after the goal beats one that only mentions it', async () => {
    const { index } = await indexOf({
      'src/billing/invoice.ts': 'export function total(lines: number[]) { return lines.length; }\n',
      'src/report.ts': 'export const title = "Monthly report, see the invoice";\n',
    });
    assert.equal(paths(index, 'invoice totals')[0], 'src/billing/invoice.ts');
  });

  it('matches a prefix and a typo, but not a short word fuzzily', async () => {
    const { index } = await indexOf(AUTH_FILES);
    assert.equal(paths(index, 'authent')[0], 'src/auth/jwtMiddleware.ts', 'prefix');
    assert.equal(paths(index, 'authentcation midleware')[0], 'src/auth/jwtMiddleware.ts', 'fuzzy');
    const match = index.rank('authentcation', 1)[0];
    assert.ok(match?.terms.includes('authentication'), 'the file term that matched is reported for its lines');
    assert.deepEqual(paths(index, 'sud'), [], 'no fuzzy match for a three-letter word ("sid")');
  });

  it('respects .gitignore (root and nested) through the port: ignored files are neither listed, read nor found', async () => {
    const { index, port } = await indexOf({
      ...AUTH_FILES,
      '.gitignore': 'dist/\n*.log\n',
      'dist/bundle.js': 'function verifyJwt(jwt) { /* jwt jwt jwt */ }\n',
      'server.log': 'jwt verification failed\n',
      'packages/api/.gitignore': 'generated.ts\n',
      'packages/api/generated.ts': 'export const jwt = "jwt jwt jwt";\n',
    });
    const ranked = paths(index, 'jwt');
    assert.equal(ranked[0], 'src/auth/jwtMiddleware.ts');
    for (const ignored of ['dist/bundle.js', 'server.log', 'packages/api/generated.ts']) {
      assert.ok(!ranked.includes(ignored), `${ignored} was ranked`);
      assert.ok(!port.reads.includes(ignored), `${ignored} was read`);
      assert.ok(!index.files.files.includes(ignored), `${ignored} was listed`);
    }
  });

  it('re-reads only files whose size or mtime changed, drops deleted ones, and reads nothing when nothing changed', async () => {
    const { index, port, first } = await indexOf(AUTH_FILES);
    assert.equal(first.read, 4);
    assert.equal(port.reads.length, 4);

    port.reset();
    const again = await index.refresh();
    assert.deepEqual(port.reads, [], 'an unchanged workspace is stated, not read');
    assert.equal(port.stats.length, 4);
    assert.deepEqual([again.read, again.unchanged, again.removed], [0, 4, 0]);

    port.reset();
    await t.put('src/db/users.ts', 'export const accountsLedger = "ledger";\n'); // new size
    await t.put('docs/notes.md', '# Release notes\n\nNothing about payments here.\n'); // same size as before…
    await t.touch('docs/notes.md', new Date(Date.now() + 60_000)); // …but a new mtime
    await t.put('src/billing/refund.ts', 'export function refundPayment() {}\n');
    await t.remove('src/auth/session.ts');
    const changed = await index.refresh();
    assert.deepEqual(port.reads.sort(), ['docs/notes.md', 'src/billing/refund.ts', 'src/db/users.ts']);
    assert.deepEqual([changed.read, changed.unchanged, changed.removed], [3, 1, 1]);
    assert.equal(changed.indexed, 4);

    assert.deepEqual(paths(index, 'find'), [], 'the old content (findUser) is gone from the index');
    assert.deepEqual(paths(index, 'ledger'), ['src/db/users.ts'], 'the new content is found');
    assert.deepEqual(paths(index, 'payments'), ['docs/notes.md', 'src/billing/refund.ts']);
    assert.deepEqual(paths(index, 'sessionCookie'), [], 'a deleted file is dropped');
  });

  it('skips binary, oversized and lock files, and does not read them again while they are unchanged', async () => {
    const { index, port, first } = await indexOf(
      {
        'src/app.ts': 'export const jwt = 1;\n',
        'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
        'data.txt': Buffer.from('jwt\0binary\0'),
        'big.ts': `export const jwt = "${'x'.repeat(4096)}";\n`,
        'package-lock.json': '{ "jwt": "jwt" }\n',
      },
      { maxFileBytes: 2048 },
    );
    assert.deepEqual(port.reads.sort(), ['data.txt', 'src/app.ts'], 'only data.txt had to be read to see it is binary');
    assert.deepEqual([first.indexed, first.skipped], [1, 4]);
    assert.deepEqual(paths(index, 'jwt'), ['src/app.ts']);
    port.reset();
    await index.refresh();
    assert.deepEqual(port.reads, []);
  });

  it('runs overlapping refreshes one after the other, so nothing is read twice', async () => {
    const { index, port } = await indexOf({});
    await t.put('a.ts', 'export const alpha = 1;\n');
    port.reset();
    const [x, y] = await Promise.all([index.refresh(), index.refresh()]);
    assert.deepEqual([x.read, y.read, y.unchanged], [1, 0, 1]);
    assert.deepEqual(port.reads, ['a.ts']);
  });

  it('stops at an aborted signal and stays usable', async () => {
    const { index } = await indexOf(AUTH_FILES);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(index.refresh(controller.signal), { name: 'AbortError' });
    assert.equal((await index.refresh()).indexed, 4);
  });

  it('says when the listing was cut at maxFiles', async () => {
    const { first, index } = await indexOf({ 'a.ts': 'a1', 'b.ts': 'b1', 'c.ts': 'c1' }, { maxFiles: 2 });
    assert.equal(first.truncated, true);
    assert.equal(index.files.files.length, 2);
  });
});
