import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The number of lines of ../shared/SECURITY-CHECKLIST.md; each must be proved by a named test. */
const CHECKLIST_LINES = 35;

/**
 * Lines whose `checklist N:` tests are being written in other branches of issue 10. Whoever
 * merges those branches empties this list: the test below fails while a line listed here is
 * already covered, so it cannot go stale.
 */
const PENDING_IN_OTHER_BRANCHES: readonly number[] = [];

const REPO = resolve(__dirname, '..', '..', '..');
const SCANNED = ['test/unit', 'test/workbench', 'test/webview'];
const THIS_FILE = resolve(__filename);

/** `describe('checklist N: …'` with any quote; N is captured. */
const CHECKLIST_DESCRIBE = /\bdescribe\(\s*['"`]checklist (\d+): \S/g;

/** Every .ts file below `dir`. */
function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The checklist lines named by a `describe('checklist N: …')`, each with the files that name it. */
function coveredLines(): Map<number, string[]> {
  const covered = new Map<number, string[]>();
  for (const file of SCANNED.flatMap((dir) => tsFilesUnder(join(REPO, dir)))) {
    if (resolve(file) === THIS_FILE) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(CHECKLIST_DESCRIBE)) {
      const line = Number(match[1]);
      covered.set(line, [...(covered.get(line) ?? []), relative(REPO, file)]);
    }
  }
  return covered;
}

describe('checklist coverage: every line of SECURITY-CHECKLIST.md has a test named after it', () => {
  const covered = coveredLines();
  const lines = Array.from({ length: CHECKLIST_LINES }, (_, i) => i + 1);

  it('finds a describe("checklist N: …") for every line but those pending elsewhere', () => {
    const missing = lines.filter((n) => !covered.has(n) && !PENDING_IN_OTHER_BRANCHES.includes(n));
    assert.deepEqual(
      missing,
      [],
      `no test is named "checklist N: …" for lines ${missing.join(', ')}: prove each line in test/unit, test/workbench or test/webview with describe('checklist N: <what the line says>', …)`,
    );
  });

  it('lists no pending line that is already covered (empty PENDING_IN_OTHER_BRANCHES as branches merge)', () => {
    const stale = PENDING_IN_OTHER_BRANCHES.filter((n) => covered.has(n));
    assert.deepEqual(
      stale,
      [],
      `lines ${stale.join(', ')} are covered (${stale.map((n) => covered.get(n)?.join(', ')).join('; ')}): remove them from PENDING_IN_OTHER_BRANCHES`,
    );
  });

  it('names only lines that exist', () => {
    const unknown = [...covered.keys()].filter((n) => !lines.includes(n));
    assert.deepEqual(unknown, [], `"checklist N" names a line the checklist does not have: ${unknown.join(', ')}`);
  });
});
