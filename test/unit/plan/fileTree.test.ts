import assert from 'node:assert/strict';
import { clipToTokens, estimateContextTokens, TokenBudget } from '../../../src/core/plan/contextBudget';
import { excerptFile } from '../../../src/core/plan/fileExcerpts';
import { renderFileTree } from '../../../src/core/plan/fileTree';

const estimate = estimateContextTokens;

describe('fileTree, excerpts and the token budget', () => {
  const files = [
    'README.md',
    'src/a.ts',
    'src/core/b.ts',
    'src/core/deep/c.ts',
    'src/core/deep/d.ts',
    'test/a.test.ts',
    'test/deep/e.test.ts',
  ];

  it('shows the whole tree when it fits, folders first, indented two spaces a level', () => {
    assert.equal(
      renderFileTree(files, { maxTokens: 1000, estimate }),
      [
        'src/',
        '  core/',
        '    deep/',
        '      c.ts',
        '      d.ts',
        '    b.ts',
        '  a.ts',
        'test/',
        '  deep/',
        '    e.test.ts',
        '  a.test.ts',
        'README.md',
      ].join('\n'),
    );
  });

  it('collapses deeper folders to fit, but keeps the way to the kept files open', () => {
    const wide = [
      'README.md',
      'src/a.ts',
      ...Array.from({ length: 20 }, (_, i) => `src/core/deep/f${String(i).padStart(2, '0')}.ts`),
      ...Array.from({ length: 10 }, (_, i) => `test/t${i}.ts`),
    ];
    const tree = renderFileTree(wide, { maxTokens: 30, estimate, keep: ['src/core/deep/f07.ts'] })!;
    assert.equal(
      tree,
      [
        'src/',
        '  core/',
        '    deep/',
        '      f07.ts',
        '      … 19 more files',
        '  … 1 more file',
        'test/ (10 files)',
        'README.md',
      ].join('\n'),
    );
    assert.ok(estimate(tree) <= 30);
    assert.equal(
      renderFileTree(wide, { maxTokens: 20, estimate, keep: ['src/core/deep/f07.ts'] }),
      'src/ (21 files)\ntest/ (10 files)\nREADME.md',
      'without room for the way to a kept file, the top level alone',
    );
  });

  it('counts the files of a long folder beyond its share, and cuts the tree as a last resort', () => {
    const many = Array.from({ length: 100 }, (_, i) => `f${String(i).padStart(3, '0')}.ts`);
    const tree = renderFileTree(many, { maxTokens: 1000, estimate, filesPerFolder: 3 })!;
    assert.equal(tree, 'f000.ts\nf001.ts\nf002.ts\n… 97 more files');
    const cut = renderFileTree(many, { maxTokens: 20, estimate })!;
    assert.match(cut, /^f000\.ts\nf001\.ts\n[\s\S]*\n… \(\d+ more characters\)$/);
    assert.ok(estimate(cut) <= 20);
    assert.equal(renderFileTree(many, { maxTokens: 3, estimate }), undefined);
  });

  it('estimates non-ASCII text at a token a character and ASCII at four characters a token', () => {
    assert.equal(estimate('abcdefgh'), 2);
    assert.equal(estimate('用户登录'), 4);
    assert.equal(estimate('проверка'), 8);
  });

  it('clips text to a token count at a line end, never inside a surrogate pair', () => {
    const text = Array.from({ length: 50 }, (_, i) => `line ${i} 😀😀`).join('\n');
    for (const max of [20, 37, 64]) {
      const clipped = clipToTokens(text, max, estimate)!;
      assert.ok(estimate(clipped) <= max, `${estimate(clipped)} > ${max}`);
      assert.doesNotMatch(clipped, /[\ud800-\udbff](?![\udc00-\udfff])/, 'no lone high surrogate');
      assert.match(clipped, /\n… \(\d+ more characters\)$/);
    }
    assert.equal(clipToTokens('short', 10, estimate), 'short');
    assert.equal(clipToTokens(text, 5, estimate), undefined);
  });

  it('takes a piece of the budget whole or not at all', () => {
    const budget = new TokenBudget(10, estimate);
    assert.equal(budget.take('x'.repeat(32)), true);
    assert.equal(budget.take('x'.repeat(12)), false, 'three tokens do not fit in two');
    assert.equal(budget.take('x'.repeat(8), 1), false, 'nor over a cap');
    assert.deepEqual([budget.spent, budget.remaining], [8, 2]);
  });

  it('excerpts the lines with the most matching terms, with context, numbered, in file order', () => {
    const text = [
      'import x;',
      'const a = 1;',
      'function verifyJwt() {',
      '  return jwt.token;',
      '}',
      'b',
      'c',
      'd',
      'e',
      'token',
    ].join('\n');
    const excerpt = excerptFile(text, new Set(['jwt', 'token', 'verifyjwt', 'verify']), { contextLines: 1 });
    assert.equal(excerpt.windows, 3);
    assert.equal(
      excerpt.render(1),
      ['2| const a = 1;', '3| function verifyJwt() {', '4|   return jwt.token;', '…'].join('\n'),
    );
    assert.equal(
      excerpt.render(3),
      ['2| const a = 1;', '3| function verifyJwt() {', '4|   return jwt.token;', '5| }', '…', '9| e', '10| token'].join(
        '\n',
      ),
    );
    assert.equal(excerptFile('one\ntwo\n', new Set(['zzz']), { headLines: 1 }).render(1), '1| one\n…');
  });
});
