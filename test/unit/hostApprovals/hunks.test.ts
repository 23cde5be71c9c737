import * as assert from 'node:assert/strict';
import { applyHunkDecisions, computeHunks, hunkStats } from '../../../src/host/approvals/hunks';
import type { LineHunk } from '../../../src/host/approvals/hunks';

const all = (hunks: readonly LineHunk[]): Set<number> => new Set(hunks.map((h) => h.index));
const none = new Set<number>();
const linesOf = (text: string): string[] => text.split(/\r?\n/).filter((l) => l !== '');

/** Checks the two guarantees every diff must keep, and returns the hunks. */
function hunksOf(before: string | undefined, after: string | undefined): LineHunk[] {
  const hunks = computeHunks(before, after);
  assert.equal(applyHunkDecisions(before, hunks, all(hunks)), after ?? '', 'accepting every hunk gives the proposal');
  assert.equal(applyHunkDecisions(before, hunks, none), before ?? '', 'rejecting every hunk gives the original');
  return hunks;
}

describe('hunks', () => {
  it('finds one hunk per separate change, anchored where the proposal shows it', () => {
    const before = 'a\nb\nc\nd\ne\nf\n';
    const after = 'a\nB\nc\nd\ne\nF\ng\n';
    const hunks = hunksOf(before, after);
    assert.equal(hunks.length, 2);
    assert.deepEqual(
      hunks.map((h) => [h.beforeStart, h.beforeLines, h.afterStart, h.afterLines, h.anchorLine]),
      [
        [1, ['b\n'], 1, ['B\n'], 1],
        [5, ['f\n'], 5, ['F\n', 'g\n'], 5],
      ],
    );
    assert.deepEqual(hunkStats(hunks), { added: 3, removed: 2 });
  });

  it('applies only the accepted hunks; a rejected hunk keeps the original lines', () => {
    const before = 'one\ntwo\nthree\nfour\nfive\n';
    const after = 'ONE\ntwo\nthree\nfive\nsix\n';
    const hunks = hunksOf(before, after);
    assert.equal(hunks.length, 3);
    assert.equal(applyHunkDecisions(before, hunks, new Set([0])), 'ONE\ntwo\nthree\nfour\nfive\n');
    assert.equal(applyHunkDecisions(before, hunks, new Set([1])), 'one\ntwo\nthree\nfive\n');
    assert.equal(applyHunkDecisions(before, hunks, new Set([0, 2])), 'ONE\ntwo\nthree\nfour\nfive\nsix\n');
  });

  it('treats a new file as one hunk of every line', () => {
    const hunks = hunksOf(undefined, 'x\ny\n');
    assert.equal(hunks.length, 1);
    assert.deepEqual(hunks[0]?.afterLines, ['x\n', 'y\n']);
    assert.equal(hunks[0]?.anchorLine, 0);
  });

  it('treats a deleted file as one hunk removing every line', () => {
    const hunks = hunksOf('x\ny\n', undefined);
    assert.equal(hunks.length, 1);
    assert.deepEqual(hunks[0]?.beforeLines, ['x\n', 'y\n']);
    assert.deepEqual(hunks[0]?.afterLines, []);
    assert.equal(hunks[0]?.anchorLine, 0);
  });

  it('has no hunk for empty files or identical content', () => {
    assert.deepEqual(hunksOf('', undefined), []);
    assert.deepEqual(hunksOf('same\n', 'same\n'), []);
  });

  it('keeps CRLF line endings exactly in every combination', () => {
    const before = 'a\r\nb\r\nc\r\nd\r\n';
    const after = 'a\r\nB\r\nc\r\nd\r\nE\r\n';
    const hunks = hunksOf(before, after);
    assert.equal(hunks.length, 2);
    assert.equal(applyHunkDecisions(before, hunks, new Set([1])), 'a\r\nb\r\nc\r\nd\r\nE\r\n');
    assert.equal(applyHunkDecisions(before, hunks, new Set([0])), 'a\r\nB\r\nc\r\nd\r\n');
  });

  it('shows a change of line endings alone as its own hunk, marked eolOnly', () => {
    const before = 'a\r\nb\r\nc\r\n';
    const after = 'a\nB\nc\n';
    const hunks = hunksOf(before, after);
    assert.deepEqual(
      hunks.map((h) => h.eolOnly),
      [true, false, true],
    );
    assert.deepEqual(
      hunks.map((h) => h.anchorLine),
      [0, 1, 2],
    );
    assert.equal(applyHunkDecisions(before, hunks, new Set([1])), 'a\r\nB\nc\r\n');
  });

  it('adds lines after a last line without a newline as one change, never gluing lines', () => {
    const before = 'a\nb';
    const after = 'a\nb\nc\n';
    const hunks = hunksOf(before, after);
    assert.equal(hunks.length, 1);
    assert.deepEqual(hunks[0]?.beforeLines, ['b']);
    assert.deepEqual(hunks[0]?.afterLines, ['b\n', 'c\n']);
    assert.equal(
      hunks[0]?.anchorLine,
      2,
      'the CodeLens sits on the added line, where the diff editor shows the change',
    );
  });

  it('removes a trailing newline together with the lines after it', () => {
    const before = 'x\ny\nz\n';
    const after = 'X\ny';
    const hunks = hunksOf(before, after);
    assert.equal(hunks.length, 2);
    assert.equal(applyHunkDecisions(before, hunks, new Set([0])), 'X\ny\nz\n');
    assert.equal(applyHunkDecisions(before, hunks, new Set([1])), 'x\ny');
    assert.equal(hunks[1]?.anchorLine, 1, 'a deletion at the end anchors on the last line');
  });

  it('adds only a final newline as a hunk of its own', () => {
    const hunks = hunksOf('a\nb', 'a\nb\n');
    assert.equal(hunks.length, 1);
    assert.equal(hunks[0]?.eolOnly, true);
  });

  it('refuses hunks that do not belong to the file', () => {
    const hunks = computeHunks('a\nb\nc\n', 'a\nB\nc\n');
    assert.throws(() => applyHunkDecisions('a\n', hunks, all(hunks)), /do not belong/);
  });

  it('holds for random edits: all = proposal, none = original, any subset well formed', () => {
    // mulberry32: a small seeded generator, so a failure can be replayed.
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
    };
    const text = (): string => {
      const lines = Array.from({ length: random(8) }, () => `${'abc'[random(3)]}${['\n', '\r\n'][random(2)]}`);
      // Now and then the last line has no line ending.
      return random(3) === 0 ? lines.join('').replace(/\r?\n$/, '') : lines.join('');
    };
    for (let round = 0; round < 400; round++) {
      const before = text();
      const after = text();
      const hunks = hunksOf(before, after);
      for (const hunk of hunks)
        assert.ok(hunk.anchorLine >= 0 && (hunk.anchorLine === 0 || hunk.anchorLine < after.split('\n').length));
      const subset = new Set(hunks.filter(() => random(2) === 0).map((h) => h.index));
      const mixed = applyHunkDecisions(before, hunks, subset);
      const known = new Set(linesOf(before + '\n' + after));
      for (const line of linesOf(mixed))
        assert.ok(known.has(line), `no glued line in ${JSON.stringify(mixed)} (${JSON.stringify([before, after])})`);
    }
  });
});
