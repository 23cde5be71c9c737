import assert from 'node:assert/strict';
import type { RunFileChange } from '../../../src/core/checkpoint/runFiles';
import {
  MAX_LINE_CHARS,
  MAX_LINES_PER_FILE,
  reviewFileOf,
  reviewFileView,
  revertedText,
} from '../../../src/host/panel/runReviewModel';

function modified(path: string, before: string): RunFileChange {
  return { path, status: 'modified', binary: false, before, tooLarge: false };
}

describe('host/runReviewModel: hunks of one reviewed file', () => {
  it('reverts one hunk of a CRLF file exactly, keeping the others and every line ending', () => {
    const before = 'a\r\nb\r\nc\r\nd\r\ne\r\n';
    const after = 'A\r\nb\r\nc\r\nD\r\ne\r\n';
    const file = reviewFileOf(modified('x.txt', before), after);
    assert.equal(file.hunks.length, 2);
    assert.equal(revertedText(file, file.hunks[1]!.hunkId), 'A\r\nb\r\nc\r\nd\r\ne\r\n');
    assert.equal(revertedText(file, file.hunks[0]!.hunkId), 'a\r\nb\r\nc\r\nD\r\ne\r\n');
  });

  it('gives the same change twice in a file two ids, and the same ids when computed again', () => {
    const before = 'x\n1\nx\n2\n';
    const after = 'y\n1\ny\n2\n';
    const first = reviewFileOf(modified('x.txt', before), after);
    const again = reviewFileOf(modified('x.txt', before), after);
    const ids = first.hunks.map((h) => h.hunkId);
    assert.equal(new Set(ids).size, 2);
    assert.deepEqual(
      again.hunks.map((h) => h.hunkId),
      ids,
    );
    assert.notDeepEqual(
      reviewFileOf(modified('other.txt', before), after).hunks.map((h) => h.hunkId),
      ids,
      'the path is part of the id',
    );
  });

  it('lists every hunk but sends at most the line budget, counting the rest, and cuts long lines', () => {
    const count = 400;
    const before = Array.from({ length: count }, (_, n) => `line ${n}\n`).join('');
    const after = Array.from({ length: count }, (_, n) =>
      n % 2 === 0 ? `changed ${n} ${'x'.repeat(MAX_LINE_CHARS)}\n` : `line ${n}\n`,
    ).join('');
    const file = reviewFileOf(modified('big.txt', before), after);
    const view = reviewFileView(file, new Set([file.hunks[3]!.hunkId]), ['a']);
    assert.equal(view.hunks.length, count / 2, 'every hunk can be acted on');
    const sent = view.hunks.reduce((n, h) => n + h.lines.length, 0);
    assert.equal(sent, MAX_LINES_PER_FILE);
    assert.ok(view.hunks.at(-1)!.moreLines > 0);
    assert.equal(view.hunks[3]?.accepted, true);
    assert.equal(view.added, count / 2);
    const added = view.hunks[0]!.lines.find((l) => l.kind === 'added')!;
    assert.equal(added.text.length, MAX_LINE_CHARS);
    assert.ok(added.text.endsWith('…'));
    assert.ok(JSON.stringify(view).length < 200_000, `${JSON.stringify(view).length} characters`);
  });

  it('a binary file has no hunks and a note saying it can be reverted whole', () => {
    const file = reviewFileOf(
      { path: 'i.png', status: 'modified', binary: true, before: undefined, tooLarge: false },
      undefined,
    );
    assert.deepEqual(file.hunks, []);
    assert.match(file.note ?? '', /Binary file: .* reverted whole/);
  });
});
