import * as assert from 'node:assert/strict';
import { findingLocation, relativePath } from '../../../src/core/verify/findingLocation';
import { outputLines, outputTail, stripAnsi } from '../../../src/core/verify/outputLines';
import { readFixture } from './fixtures';

describe('outputLines', () => {
  it('strips SGR colour codes, 8-bit CSI, OSC hyperlinks and cursor moves', () => {
    const text =
      '\u001b[96msrc/a.ts\u001b[0m:\u001b[93m5\u001b[0m \u009b31mred\u009b0m \u001b]8;;https://x.test\u0007link\u001b]8;;\u0007 \u001b[2K\u001b[1Gdone';
    assert.equal(stripAnsi(text), 'src/a.ts:5 red link done');
  });

  it('leaves no escape character in a real coloured capture', () => {
    for (const name of ['tsc-pretty-color.txt', 'eslint-stylish-color.txt', 'mocha-spec-color.txt']) {
      const raw = readFixture(name);
      assert.ok(raw.includes('\u001b['), `${name} should be coloured`);
      assert.ok(!stripAnsi(raw).includes('\u001b'), name);
    }
  });

  it('splits CRLF and LF alike and keeps what a bare \\r progress line finally shows', () => {
    assert.deepEqual(outputLines('a\r\nb\nprogress 10%\rprogress 100%\r\nc'), ['a', 'b', 'progress 100%', 'c']);
  });

  it('outputTail keeps the last lines and drops trailing blank ones', () => {
    assert.equal(outputTail('1\n2\n3\n4\n\n\n', 2), '3\n4');
    assert.equal(outputTail('\u001b[31mred\u001b[0m\r\n', 5), 'red');
    assert.equal(outputTail('', 5), '');
  });
});

describe('findingLocation', () => {
  it('makes an absolute path inside cwd relative, with line and column', () => {
    assert.equal(findingLocation('/tmp/acme-app/src/a.ts', 5, 7, '/tmp/acme-app'), 'src/a.ts:5:7');
    assert.equal(findingLocation('/tmp/acme-app/src/a.ts', 5, 7, '/tmp/acme-app/'), 'src/a.ts:5:7');
  });

  it('handles Windows paths case-insensitively and turns backslashes into slashes', () => {
    assert.equal(findingLocation('C:\\Users\\Dev\\App\\src\\a.ts', 3, undefined, 'c:\\users\\dev\\app'), 'src/a.ts:3');
    assert.equal(relativePath('tests\\test_cart.py'), 'tests/test_cart.py');
  });

  it('keeps paths outside cwd absolute and does not match a sibling folder with the same prefix', () => {
    assert.equal(findingLocation('/tmp/acme-app-2/x.ts', 1, 1, '/tmp/acme-app'), '/tmp/acme-app-2/x.ts:1:1');
    assert.equal(findingLocation('/etc/x.ts', 2, undefined, '/tmp/acme-app'), '/etc/x.ts:2');
  });

  it('resolves file:// URLs and ".." segments and strips a leading "./"', () => {
    assert.equal(findingLocation('file:///tmp/acme-app/test/a%20b.mjs', 4, 2, '/tmp/acme-app'), 'test/a b.mjs:4:2');
    assert.equal(findingLocation('/tmp/acme-app/src/../lib/x.ts', 9, undefined, '/tmp/acme-app'), 'lib/x.ts:9');
    assert.equal(findingLocation('./src/a.ts', 1), 'src/a.ts:1');
  });

  it('leaves out a line or column of 0 (unknown)', () => {
    assert.equal(findingLocation('src/a.ts', 0, 0), 'src/a.ts');
    assert.equal(findingLocation('src/a.ts', 12, 0), 'src/a.ts:12');
  });
});
