import * as assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isSdkBundle, requireWithCodeCache, type CodeCacheOptions } from '../../../src/core/common/codeCachedModule';
import { cacheFiles, copyBuild } from '../../support/codeCacheFixture';

/** What the test bundle exports. */
interface Bundle {
  loadSdk(): { Client: new (name: string) => { hello(): string }; where(): string[]; isModule: boolean };
  loadMcp(): { name: string };
  loadMcpServer(): { name: string };
  loadJson(): { version: number };
  twice(s: string): string;
  base(p: string): string;
  resolveHelper(): string;
  requireCache(): NodeJS.Require['cache'];
  requireMain(): NodeJS.Require['main'];
}

/**
 * A bundle like dist/engine.js: a builtin, a relative helper, and SDK files beside it in sdk/
 * that it requires on first use. Each SDK file counts its top-level runs in `runs.log`.
 */
function writeBundle(dir: string): string {
  mkdirSync(join(dir, 'sdk'), { recursive: true });
  writeFileSync(join(dir, 'helper.js'), 'exports.twice = (s) => s + s;\n');
  const counted = (body: string): string =>
    [
      '"use strict";',
      'require("node:fs").appendFileSync(require("node:path").join(__dirname, "runs.log"), __filename + "\\n");',
      body,
    ].join('\n');
  writeFileSync(
    join(dir, 'sdk', 'fake.js'),
    counted(
      [
        'class Client { constructor(name) { this.name = name; } hello() { return "hello " + this.name; } }',
        'exports.Client = Client;',
        'exports.where = () => [__filename, __dirname];',
        'exports.isModule = module.exports === exports;',
      ].join('\n'),
    ),
  );
  writeFileSync(join(dir, 'sdk', 'mcp.js'), counted('exports.name = "mcp";'));
  writeFileSync(join(dir, 'sdk', 'mcp-server.js'), counted('exports.name = "mcp-server";'));
  writeFileSync(join(dir, 'sdk', 'data.json'), '{ "version": 3 }\n');
  const file = join(dir, 'bundle.js');
  writeFileSync(
    file,
    [
      '"use strict";',
      'const path = require("node:path");',
      'const { twice } = require("./helper.js");',
      'exports.loadSdk = () => require("./sdk/fake.js");',
      'exports.loadMcp = () => require("./sdk/mcp.js");',
      'exports.loadMcpServer = () => require("./sdk/mcp-server.js");',
      'exports.loadJson = () => require("./sdk/data.json");',
      'exports.twice = twice;',
      'exports.base = (p) => path.basename(p);',
      'exports.resolveHelper = () => require.resolve("./helper.js");',
      'exports.requireCache = () => require.cache;',
      'exports.requireMain = () => require.main;',
      '',
    ].join('\n'),
  );
  return file;
}

let copies = 0;

/** The same build at another path (see `copyBuild`). */
function sameBuildElsewhere(file: string): string {
  const from = dirname(file);
  const to = join(dirname(from), `copy-${++copies}`);
  copyBuild(from, to, ['bundle.js', 'helper.js', 'sdk/fake.js', 'sdk/mcp.js', 'sdk/mcp-server.js', 'sdk/data.json']);
  return join(to, 'bundle.js');
}

function topLevelRuns(bundle: string): string[] {
  try {
    return readFileSync(join(dirname(bundle), 'sdk', 'runs.log'), 'utf8')
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** Node's own `require`, as any other module of the process would call it. */
const nodeRequire = createRequire(__filename);

/** Lets every timer already due run (a 0 ms timer set earlier fires before this one). */
const afterDueTimers = (): Promise<void> => new Promise((done) => setTimeout(done, 0));

const sdkOnly: CodeCacheOptions = { cachedRequires: (specifier) => specifier.startsWith('./sdk/') };

describe('requireWithCodeCache: files the bundle requires through the code cache (the provider SDKs)', () => {
  let root: string;
  let cacheDir: string;
  let bundleFile: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ao-code-cached-requires-'));
    cacheDir = join(root, 'storage', 'code-cache');
    bundleFile = writeBundle(join(root, 'dist'));
  });
  afterEach(() => {
    // The loaded test files sit in Node's module cache like any required file; take them out.
    for (const key of Object.keys(require.cache)) if (key.startsWith(root)) delete require.cache[key];
    rmSync(root, { recursive: true, force: true });
  });

  const load = (file: string, options: CodeCacheOptions = sdkOnly) => {
    const loaded = requireWithCodeCache(file, cacheDir, options);
    return { loaded, bundle: loaded.exports as unknown as Bundle };
  };

  it('a matching require misses the first time, is written by saveCache, and is a hit in the next process', async () => {
    const { loaded, bundle } = load(bundleFile);
    assert.deepEqual([...loaded.required], [], 'nothing is required before first use');
    const sdk = bundle.loadSdk();
    assert.equal(new sdk.Client('Ada').hello(), 'hello Ada');
    assert.deepEqual(sdk.where(), [join(root, 'dist', 'sdk', 'fake.js'), join(root, 'dist', 'sdk')]);
    assert.equal(sdk.isModule, true);
    assert.deepEqual([...loaded.required], [[join(root, 'dist', 'sdk', 'fake.js'), 'miss']]);
    await loaded.saveCache();
    assert.deepEqual(
      cacheFiles(cacheDir).map((name) => name.replace(/-\d.*$/, '')),
      ['bundle', 'sdk_fake'],
      'each file has a cache of its own, named after it',
    );

    const copy = sameBuildElsewhere(bundleFile);
    const next = load(copy);
    assert.equal(new (next.bundle.loadSdk().Client)('Bob').hello(), 'hello Bob');
    assert.deepEqual([...next.loaded.required], [[join(dirname(copy), 'sdk', 'fake.js'), 'hit']]);
    const before = cacheFiles(cacheDir).map((name) => statSync(join(cacheDir, name)).mtimeMs);
    await next.loaded.saveCache();
    assert.deepEqual(
      cacheFiles(cacheDir).map((name) => statSync(join(cacheDir, name)).mtimeMs),
      before,
      'a hit is never rewritten',
    );
  });

  it('a damaged cache of a required file is rejected, the file compiles from source, and the cache is replaced', async () => {
    const { loaded, bundle } = load(bundleFile);
    bundle.loadSdk();
    loaded.saveCacheNow();
    const sdkCache = cacheFiles(cacheDir).find((name) => name.startsWith('sdk_fake-'));
    assert.ok(sdkCache, 'saveCacheNow wrote the required file’s cache');
    writeFileSync(join(cacheDir, sdkCache), Buffer.alloc(4096, 7));

    const damaged = load(sameBuildElsewhere(bundleFile));
    assert.equal(new (damaged.bundle.loadSdk().Client)('Ada').hello(), 'hello Ada');
    assert.deepEqual([...damaged.loaded.required.values()], ['rejected']);
    assert.equal(damaged.loaded.cache, 'hit', 'the bundle’s own cache is another file');
    await damaged.loaded.saveCache();
    const recovered = load(sameBuildElsewhere(bundleFile));
    recovered.bundle.loadSdk();
    assert.deepEqual([...recovered.loaded.required.values()], ['hit']);
  });

  it('a file required twice, or by Node first, runs its top level once and has one exports object', () => {
    const { loaded, bundle } = load(bundleFile);
    const first = bundle.loadSdk();
    assert.equal(bundle.loadSdk(), first);
    const sdkFile = join(root, 'dist', 'sdk', 'fake.js');
    assert.equal(nodeRequire(sdkFile), first, "Node's own require finds the module the bundle loaded");
    assert.equal(require.cache[sdkFile]?.loaded, true);
    assert.deepEqual(topLevelRuns(bundleFile), [sdkFile]);
    assert.equal(loaded.required.size, 1);

    const copy = sameBuildElsewhere(bundleFile);
    const copySdk = join(dirname(copy), 'sdk', 'fake.js');
    const loadedByNode: unknown = nodeRequire(copySdk);
    const other = load(copy);
    assert.equal(other.bundle.loadSdk(), loadedByNode, 'the module Node loaded is used, not loaded again');
    assert.deepEqual(topLevelRuns(copy), [copySdk]);
    assert.deepEqual([...other.loaded.required], [], 'it went through no cache');
  });

  it('every other require is Node’s: builtins, relative files, require.resolve, require.cache, require.main', () => {
    const { loaded, bundle } = load(bundleFile, { cachedRequires: (specifier) => specifier === './sdk/mcp.js' });
    assert.equal(bundle.twice('ab'), 'abab');
    assert.equal(bundle.base('/a/b.txt'), 'b.txt');
    assert.equal(bundle.resolveHelper(), join(root, 'dist', 'helper.js'));
    assert.equal(bundle.requireCache(), require.cache);
    assert.equal(bundle.requireMain(), require.main);
    assert.equal(new (bundle.loadSdk().Client)('Ada').hello(), 'hello Ada');
    assert.equal(bundle.loadMcp().name, 'mcp');
    assert.deepEqual([...loaded.required.keys()], [join(root, 'dist', 'sdk', 'mcp.js')], 'only the matching specifier');
  });

  it('a filter that takes every specifier still leaves builtins and JSON to Node, and caches the JavaScript files', () => {
    const { loaded, bundle } = load(bundleFile, { cachedRequires: () => true });
    assert.equal(bundle.twice('ab'), 'abab', 'the helper, required at the top level');
    assert.equal(bundle.base('/a/b.txt'), 'b.txt');
    assert.equal(bundle.loadJson().version, 3);
    assert.equal(bundle.loadMcp().name, 'mcp');
    assert.deepEqual(
      [...loaded.required.keys()],
      [join(root, 'dist', 'helper.js'), join(root, 'dist', 'sdk', 'mcp.js')],
    );
  });

  it('the caches of several files coexist, one per variant, and saving one never removes another', async () => {
    const names = new Set<string>();
    for (const variant of ['run', undefined, 'other']) {
      const { loaded, bundle } = load(sameBuildElsewhere(bundleFile), { ...sdkOnly, variant });
      assert.equal(bundle.loadMcp().name, 'mcp');
      assert.equal(bundle.loadMcpServer().name, 'mcp-server');
      await loaded.saveCache();
      for (const name of cacheFiles(cacheDir)) names.add(name);
    }
    assert.equal(names.size, 9, 'three files, three variants');
    assert.deepEqual(cacheFiles(cacheDir), [...names].sort(), 'none was removed as a stale build');
    for (const variant of ['run', undefined, 'other']) {
      const { loaded, bundle } = load(sameBuildElsewhere(bundleFile), { ...sdkOnly, variant });
      bundle.loadMcp();
      bundle.loadMcpServer();
      assert.equal(loaded.cache, 'hit', String(variant));
      assert.deepEqual([...loaded.required.values()], ['hit', 'hit'], String(variant));
    }
  });

  it('removes the cache of an earlier build of a required file when the new build is saved', async () => {
    const first = load(bundleFile);
    first.bundle.loadSdk();
    await first.loaded.saveCache();
    const old = cacheFiles(cacheDir).find((name) => name.startsWith('sdk_fake-'));

    const fresh = join(root, 'rebuilt', 'dist');
    writeBundle(fresh);
    writeFileSync(
      join(fresh, 'sdk', 'fake.js'),
      '"use strict";\nexports.Client = class { hello() { return "v2"; } };\n',
    );
    const rebuilt = load(join(fresh, 'bundle.js'));
    assert.equal(new (rebuilt.bundle.loadSdk().Client)('x').hello(), 'v2');
    assert.deepEqual([...rebuilt.loaded.required.values()], ['miss']);
    await rebuilt.loaded.saveCache();
    const now = cacheFiles(cacheDir).filter((name) => name.startsWith('sdk_fake-'));
    assert.equal(now.length, 1);
    assert.notEqual(now[0], old);
  });

  it('saveRequiredAfterMs writes a required file’s cache on a timer, after the bundle’s own cache was saved', async () => {
    const { loaded, bundle } = load(bundleFile, { ...sdkOnly, saveRequiredAfterMs: 0 });
    await loaded.saveCache();
    assert.deepEqual(
      cacheFiles(cacheDir).map((name) => name.replace(/-\d.*$/, '')),
      ['bundle'],
    );
    bundle.loadSdk();
    await afterDueTimers();
    assert.deepEqual(
      cacheFiles(cacheDir).map((name) => name.replace(/-\d.*$/, '')),
      ['bundle', 'sdk_fake'],
    );
    const next = load(sameBuildElsewhere(bundleFile));
    next.bundle.loadSdk();
    assert.deepEqual([...next.loaded.required.values()], ['hit']);
  });

  it('a required file loads when its cache cannot be written, from saveCache or the timer, and nothing throws', async () => {
    // A cache folder that is a file: no write can succeed there, whoever runs the test.
    mkdirSync(dirname(cacheDir), { recursive: true });
    writeFileSync(cacheDir, 'not a folder');
    const { loaded, bundle } = load(bundleFile, { ...sdkOnly, saveRequiredAfterMs: 0 });
    assert.equal(new (bundle.loadSdk().Client)('Ada').hello(), 'hello Ada');
    assert.deepEqual([...loaded.required.values()], ['miss'], 'it went through the cache path');
    await afterDueTimers();
    await loaded.saveCache();
    loaded.saveCacheNow();
    assert.equal(readFileSync(cacheDir, 'utf8'), 'not a folder');
    assert.deepEqual(
      readdirSync(dirname(cacheDir)).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  it('a required file that throws at load is not kept: the error reaches the caller, and the next require tries again', () => {
    const { loaded, bundle } = load(bundleFile);
    const sdkFile = join(root, 'dist', 'sdk', 'fake.js');
    const good = readFileSync(sdkFile, 'utf8');
    const { atime, mtime } = statSync(sdkFile);
    writeFileSync(sdkFile, '"use strict";\nthrow new Error("broken install");\n');
    assert.throws(() => bundle.loadSdk(), /broken install/);
    assert.equal(require.cache[sdkFile], undefined);
    writeFileSync(sdkFile, good);
    utimesSync(sdkFile, atime, mtime);
    assert.equal(new (bundle.loadSdk().Client)('Ada').hello(), 'hello Ada');
    assert.deepEqual([...loaded.required.values()].at(-1), 'miss');
  });

  it('isSdkBundle: the SDK files beside the bundle go through the cache, the tokenizers’ tables and everything else do not', () => {
    const cached = [
      './sdk/openai.js',
      './sdk/anthropic.js',
      './sdk/mcp.js',
      './sdk/mcp-server.js',
      './sdk/mcp-stdio.js',
    ];
    const uncached = [
      './sdk/tokenizer-o200k.js',
      './sdk/tokenizer-cl100k.js',
      'openai',
      'node:fs',
      './sdkx/openai.js',
      '../sdk/openai.js',
    ];
    assert.deepEqual(cached.filter(isSdkBundle), cached);
    assert.deepEqual(uncached.filter(isSdkBundle), []);
  });
});
