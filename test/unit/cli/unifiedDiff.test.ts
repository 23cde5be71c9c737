import assert from 'node:assert/strict';
import { unifiedDiff } from '../../../src/cli/unifiedDiff';

const numbered = (n: number): string[] => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('unifiedDiff', () => {
  it('prints hunks like diff -u, merging nearby changes and splitting distant ones', () => {
    const before = numbered(20);
    const after = [...before];
    after[2] = 'changed 3';
    after.splice(15, 1);
    after.splice(18, 0, 'new');
    const text = unifiedDiff('x.txt', `${before.join('\n')}\n`, `${after.join('\n')}\n`);
    // Checked against GNU `diff -u` on the same files.
    assert.equal(
      text,
      [
        '--- a/x.txt',
        '+++ b/x.txt',
        '@@ -1,6 +1,6 @@',
        ' line 1',
        ' line 2',
        '-line 3',
        '+changed 3',
        ' line 4',
        ' line 5',
        ' line 6',
        '@@ -13,8 +13,8 @@',
        ' line 13',
        ' line 14',
        ' line 15',
        '-line 16',
        ' line 17',
        ' line 18',
        ' line 19',
        '+new',
        ' line 20',
      ].join('\n'),
    );
  });

  it('shows a new file against /dev/null and a deletion the other way', () => {
    assert.equal(unifiedDiff('n.txt', undefined, 'a\nb\n'), '--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+a\n+b');
    assert.equal(unifiedDiff('n.txt', 'a\n', undefined), '--- a/n.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-a');
  });

  it('says when nothing changed, and bounds long output', () => {
    assert.match(unifiedDiff('same.txt', 'a\n', 'a\n'), /\(no changes\)$/);
    const long = unifiedDiff('big.txt', undefined, `${numbered(1000).join('\n')}\n`, { maxLines: 50 });
    assert.equal(long.split('\n').length, 51);
    assert.match(long, /… 953 more lines not shown$/);
  });

  it('colours for a terminal only when asked', () => {
    const esc = '\u001b';
    assert.ok(!unifiedDiff('c.txt', 'a\n', 'b\n').includes(esc));
    assert.ok(
      unifiedDiff('c.txt', 'a\n', 'b\n', { color: true }).endsWith(`${esc}[31m-a${esc}[0m\n${esc}[32m+b${esc}[0m`),
    );
  });
});
