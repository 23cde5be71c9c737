import * as assert from 'node:assert/strict';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requireWithCodeCache } from '../../../src/core/common/codeCachedModule';
import { cacheFiles, copyBuild } from '../../support/codeCacheFixture';

/** A CommonJS file that uses what `require` gives a module: a builtin, a relative file, its own paths. */
function writeBundle(dir: string, greeting: string): string {
  writeFileSync(join(dir, 'helper.js'), 'exports.twice = (s) => s + s;\n');
  const file = join(dir, 'bundle.js');
  writeFileSync(
    file,
    [
      '"use strict";',
      'const path = require("node:path");',
      'const { twice } = require("./helper.js");',
      `exports.greet = (name) => twice(${JSON.stringify(greeting)}) + " " + name;`,
      'exports.where = () => [path.basename(__filename), __dirname];',
      'exports.isModule = module.exports === exports;',
      '',
    ].join('\n'),
  );
  return file;
}

let copies = 0;

/** The same build at another path (see `copyBuild`). */
function sameBuildElsewhere(file: string): string {
  const dir = join(dirname(file), `copy-${++copies}`);
  copyBuild(dirname(file), dir, ['bundle.js', 'helper.js']);
  return join(dir, 'bundle.js');
}

describe('requireWithCodeCache', () => {
  let root: string;
  let cacheDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ao-code-cache-'));
    cacheDir = join(root, 'storage', 'code-cache');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs the file as require would, writes a cache on the first load and uses it on the next', async () => {
    const file = writeBundle(root, 'hi');
    const first = requireWithCodeCache(file, cacheDir);
    assert.equal(first.cache, 'miss');
    assert.equal((first.exports.greet as (n: string) => string)('Ada'), 'hihi Ada');
    assert.deepEqual((first.exports.where as () => string[])(), ['bundle.js', root]);
    assert.equal(first.exports.isModule, true);
    assert.deepEqual(cacheFiles(cacheDir), [], 'nothing is written before saveCache');
    await first.saveCache();
    assert.equal(cacheFiles(cacheDir).length, 1);

    const copy = sameBuildElsewhere(file);
    const second = requireWithCodeCache(copy, cacheDir);
    assert.equal(second.cache, 'hit');
    assert.equal((second.exports.greet as (n: string) => string)('Bob'), 'hihi Bob');
    assert.deepEqual((second.exports.where as () => string[])(), ['bundle.js', dirname(copy)]);
    await second.saveCache();
    assert.equal(cacheFiles(cacheDir).length, 1, 'a hit writes nothing');
  });

  it('keeps one cache per variant: the first load of another variant misses, and saving it keeps the other', () => {
    const file = writeBundle(root, 'hi');
    const version = requireWithCodeCache(file, cacheDir, { variant: 'other' });
    assert.equal(version.cache, 'miss');
    version.saveCacheNow();
    assert.equal(cacheFiles(cacheDir).length, 1, 'saveCacheNow writes at once');
    const run = requireWithCodeCache(sameBuildElsewhere(file), cacheDir, { variant: 'run' });
    assert.equal(run.cache, 'miss', "the `other` cache is not the `run` one's");
    run.saveCacheNow();
    assert.equal(cacheFiles(cacheDir).length, 2);
    assert.equal(requireWithCodeCache(sameBuildElsewhere(file), cacheDir, { variant: 'run' }).cache, 'hit');
    assert.equal(requireWithCodeCache(sameBuildElsewhere(file), cacheDir, { variant: 'other' }).cache, 'hit');
  });

  it('ignores the cache of an earlier build and removes it when the new one is saved', async () => {
    const file = writeBundle(root, 'hi');
    await requireWithCodeCache(file, cacheDir).saveCache();
    const old = cacheFiles(cacheDir);

    writeBundle(root, 'hello');
    const rebuilt = requireWithCodeCache(file, cacheDir);
    assert.equal(rebuilt.cache, 'miss');
    assert.equal((rebuilt.exports.greet as (n: string) => string)('Ada'), 'hellohello Ada');
    await rebuilt.saveCache();
    const now = cacheFiles(cacheDir);
    assert.equal(now.length, 1);
    assert.notDeepEqual(now, old);
  });

  it('compiles from source when V8 refuses a damaged cache, then replaces it', async () => {
    const file = writeBundle(root, 'hi');
    await requireWithCodeCache(file, cacheDir).saveCache();
    const [name] = cacheFiles(cacheDir);
    writeFileSync(join(cacheDir, name!), Buffer.alloc(4096, 7));

    const damaged = requireWithCodeCache(sameBuildElsewhere(file), cacheDir);
    assert.equal(damaged.cache, 'rejected');
    assert.equal((damaged.exports.greet as (n: string) => string)('Ada'), 'hihi Ada');
    await damaged.saveCache();
    assert.equal(requireWithCodeCache(sameBuildElsewhere(file), cacheDir).cache, 'hit');
  });

  describe('checklist 3: the cache is written to a temp file and renamed', () => {
    it('replaces a link already at the cache path instead of writing through it', async () => {
      const file = writeBundle(root, 'hi');
      await requireWithCodeCache(file, cacheDir).saveCache();
      const [name] = cacheFiles(cacheDir);
      const cachePath = join(cacheDir, name!);
      const outside = join(root, 'outside.txt');
      writeFileSync(outside, 'keep me');
      rmSync(cachePath);
      symlinkSync(outside, cachePath);

      const loaded = requireWithCodeCache(sameBuildElsewhere(file), cacheDir);
      assert.equal(loaded.cache, 'rejected');
      await loaded.saveCache();
      assert.equal(readFileSync(outside, 'utf8'), 'keep me');
      assert.ok(lstatSync(cachePath).isFile(), 'the link itself was replaced by the new cache');
      assert.equal(requireWithCodeCache(sameBuildElsewhere(file), cacheDir).cache, 'hit');
    });
  });

  it('still loads when the cache cannot be written, and leaves no temp file', async function () {
    if (process.getuid?.() === 0) this.skip(); // root writes into read-only folders
    const file = writeBundle(root, 'hi');
    mkdirSync(cacheDir, { recursive: true });
    chmodSync(cacheDir, 0o500);
    try {
      const loaded = requireWithCodeCache(file, cacheDir);
      assert.equal((loaded.exports.greet as (n: string) => string)('Ada'), 'hihi Ada');
      await loaded.saveCache();
      assert.deepEqual(readdirSync(cacheDir), []);
    } finally {
      chmodSync(cacheDir, 0o700);
    }
  });

  it('a cache folder that is a file: the module loads from source and saving gives up quietly', async () => {
    const file = writeBundle(root, 'hi');
    mkdirSync(join(root, 'storage'), { recursive: true });
    writeFileSync(cacheDir, 'not a folder');
    const loaded = requireWithCodeCache(file, cacheDir);
    assert.equal(loaded.cache, 'miss');
    await loaded.saveCache();
    assert.equal(readFileSync(cacheDir, 'utf8'), 'not a folder');
  });

  it('a newer build with the same size is still a new build (its time differs)', async () => {
    const file = writeBundle(root, 'hi');
    await requireWithCodeCache(file, cacheDir).saveCache();
    writeBundle(root, 'yo');
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const loaded = requireWithCodeCache(file, cacheDir);
    assert.equal(loaded.cache, 'miss');
    assert.equal((loaded.exports.greet as (n: string) => string)('Ada'), 'yoyo Ada');
  });
});
