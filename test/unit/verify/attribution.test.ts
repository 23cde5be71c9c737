import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model/finding';
import { attributeFindings } from '../../../src/core/verify/attribution';

const test = (key: string, location?: string, message = 'fails'): Finding => ({
  severity: 'major',
  category: 'test',
  message,
  key: `test | ${key}`,
  ...(location === undefined ? {} : { location }),
});

describe('attributing new findings to the files a task edited', () => {
  it('takes a finding located in, or naming, an edited file; leaves the rest', async () => {
    const own = { severity: 'major', category: 'build', message: 'TS2322', location: 'src/a.ts:3:1' } as const;
    const named = { severity: 'major', category: 'custom', message: 'SyntaxError in /w/ws/src/a.ts: x' } as const;
    const other = { severity: 'major', category: 'build', message: 'TS2322', location: 'src/b.ts:3:1' } as const;
    const lookalike = { severity: 'major', category: 'custom', message: 'broke src/a.tsx and xsrc/a.ts' } as const;
    const result = await attributeFindings([own, named, other, lookalike], { edited: ['src/a.ts'] });
    assert.deepEqual(result.own, [own, named]);
    assert.deepEqual(result.others, [other, lookalike]);
  });

  it('takes a failing test whose test file shares the edited file’s name stem', async () => {
    const result = await attributeFindings(
      [
        test('math › adds', 'test/math.test.js:5:3'),
        test('tests/test_math.py::test_add', 'tests/test_math.py:4'),
        test('test/other.test.js › x', 'test/other.test.js:2:1'),
      ],
      { edited: ['src/math.js', 'pkg/math.py'] },
    );
    assert.deepEqual(
      result.own.map((f) => f.key),
      ['test | math › adds', 'test | tests/test_math.py::test_add'],
    );
    assert.deepEqual(
      result.others.map((f) => f.key),
      ['test | test/other.test.js › x'],
    );
  });

  it('takes a failing test whose file imports the edited file (relative JS imports, Python modules)', async () => {
    const files: Record<string, string> = {
      'test/suite.test.mjs': "import { add } from '../src/lib/calc.mjs';\nconst u = require('./util');\n",
      'tests/test_api.py': 'from app.services.pricing import total\n',
      'test/unrelated.test.mjs': "import x from 'node:assert';\n",
    };
    const result = await attributeFindings(
      [
        test('sums', 'test/suite.test.mjs:3:1'),
        test('tests/test_api.py::test_total', 'tests/test_api.py:9'),
        test('unrelated', 'test/unrelated.test.mjs:1:1'),
      ],
      { edited: ['src/lib/calc.mjs', 'app/services/pricing.py'], readText: async (p) => files[p] },
    );
    assert.deepEqual(
      result.own.map((f) => f.key),
      ['test | sums', 'test | tests/test_api.py::test_total'],
    );
    assert.deepEqual(
      result.others.map((f) => f.key),
      ['test | unrelated'],
    );
  });

  it('finds the test file in a test key when the finding has no location (vitest names the file)', async () => {
    const result = await attributeFindings([test('test/cart.test.ts › cart › totals')], { edited: ['src/cart.ts'] });
    assert.equal(result.own.length, 1);
  });

  it('attributes nothing to a task that edited nothing', async () => {
    const result = await attributeFindings([test('x', 'test/x.test.js:1:1')], { edited: [] });
    assert.deepEqual(result.own, []);
  });
});
