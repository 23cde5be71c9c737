import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';
import * as vm from 'node:vm';

/** `hit`: V8 took the cache; `miss`: there was none; `rejected`: V8 refused it (another V8, flags or a damaged file). */
export type CodeCacheState = 'hit' | 'miss' | 'rejected';

/** A CommonJS file run from V8's code cache, and how the cache it used fared. */
export interface CodeCachedModule {
  /** What the file put in `module.exports`. */
  exports: Record<string, unknown>;
  /** How the file's own cache fared. */
  cache: CodeCacheState;
  /** How each file loaded through `cachedRequires` fared so far, by path, in load order. */
  required: ReadonlyMap<string, CodeCacheState>;
  /**
   * Writes the code V8 has compiled so far (call it after the file's functions ran, e.g. after
   * `activate()`), and that of the files required through `cachedRequires` by then: each file's
   * cache at most once, and never over a hit. Resolves when written; never rejects (the cache is optional).
   */
  saveCache(): Promise<void>;
  /** `saveCache` at once, for a process about to exit (an `exit` listener cannot wait). */
  saveCacheNow(): void;
}

/** How `requireWithCodeCache` runs a file. */
export interface CodeCacheOptions {
  /**
   * Keeps a cache of its own per variant (a word, e.g. the CLI's command): a cache holds the
   * functions of the run that wrote it, so `--version` run first must not decide what `run` gets.
   */
  variant?: string;
  /**
   * Which of the file's own `require(specifier)` calls load through the code cache too, e.g. the
   * provider SDKs' bundles (`./sdk/…`), each with a cache of its own in the same folder and variant,
   * and once per process like any `require`. Every other specifier goes to Node's `require` untouched.
   */
  cachedRequires?: (specifier: string) => boolean;
  /**
   * Writes the cache of a file required through `cachedRequires` this long after it loaded, on an
   * unref'd timer: for a process that lives on (the extension host), where the file loads on a first
   * request long after `saveCache` ran. Without it, only `saveCache` or `saveCacheNow` writes them.
   */
  saveRequiredAfterMs?: number;
}

/**
 * The provider and MCP SDK files the bundles require (`./sdk/*.js`, see esbuild.mjs): hundreds of kB of
 * code each, which load in about half the time from a code cache. Not the tokenizers' rank tables:
 * megabytes of data that load no faster from one (4.5 MB of cache), and that load in a worker thread.
 */
export function isSdkBundle(specifier: string): boolean {
  return specifier.startsWith('./sdk/') && !specifier.startsWith('./sdk/tokenizer-');
}

/** A compiled file and how to save its cache. */
interface CompiledFile {
  script: vm.Script;
  cache: CodeCacheState;
  /** Writes the cache unless it was a hit or is written already; never throws. */
  save(): void;
}

/** The wrapper Node puts around every CommonJS file. */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'] as const;

/** Cache files are named `<file>-<key>.v8cache`; the key names the build of the file, the V8 version and the CPU. */
const SUFFIX = '.v8cache';

/** The start of a key (size, time, V8 version): tells `cliBundle-<key>` from the variant's `cliBundle-run-<key>`. */
const KEY_START = /^\d+-\d+-\d+\.\d+/;

/**
 * Runs a CommonJS file the way `require` does, but compiled with V8's code cache from `cacheDir`
 * (Node's own compile cache, `module.enableCompileCache`, needs Node 22.1, and VS Code 1.99's
 * extension host runs Node 20). Without a cache, or with one V8 refuses, the file is compiled
 * from source as usual and `saveCache` writes a fresh one. A cache file is used only for the build
 * it was made from (its name holds the file's size and time, and V8 checks the source length too);
 * any error reading it means compiling from source.
 */
export function requireWithCodeCache(file: string, cacheDir: string, options: CodeCacheOptions = {}): CodeCachedModule {
  const tag = options.variant === undefined ? '' : `${options.variant.replace(/\W/g, '_')}-`;
  const compiled = compileCached(file, cacheDir, basename(file).replace(/\.js$/, ''), tag);
  const required = new Map<string, CodeCacheState>();
  const saveRequired: Array<() => void> = [];
  const fileRequire = createRequire(file);
  const { cachedRequires, saveRequiredAfterMs } = options;
  const requireForFile = cachedRequires
    ? withCachedRequires(fileRequire, cachedRequires, (resolved) => {
        const loaded = compileCached(resolved, cacheDir, cacheName(file, resolved), tag);
        required.set(resolved, loaded.cache);
        saveRequired.push(loaded.save);
        if (saveRequiredAfterMs !== undefined && loaded.cache !== 'hit')
          setTimeout(loaded.save, saveRequiredAfterMs).unref();
        return loaded.script;
      })
    : fileRequire;
  const module = { exports: {} as Record<string, unknown>, filename: file, id: file, loaded: false };
  const run = compiled.script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, requireForFile, module, file, dirname(file));
  module.loaded = true;
  const saveAll = (): void => {
    compiled.save();
    for (const save of saveRequired) save();
  };
  return {
    exports: module.exports,
    cache: compiled.cache,
    required,
    saveCache: () => new Promise((done) => setImmediate(() => done(saveAll()))),
    saveCacheNow: saveAll,
  };
}

/** A nested file's cache is named by its path from the parent's folder: `sdk/openai.js` → `sdk_openai`. */
function cacheName(parent: string, file: string): string {
  return relative(dirname(parent), file).replace(/\.js$/, '').replace(/\W/g, '_');
}

/**
 * The `require` a file gets, except that specifiers `cached` accepts are loaded by running the
 * script `compile` makes, as a module registered in `require.cache` (so Node's own `require` of
 * that file returns the same exports, and one Node loaded first is not loaded again).
 * `resolve`, `cache`, `extensions` and `main` are the real require's.
 */
function withCachedRequires(
  real: NodeJS.Require,
  cached: (specifier: string) => boolean,
  compile: (resolved: string) => vm.Script,
): NodeJS.Require {
  const load = (specifier: string): unknown => {
    if (!cached(specifier)) return real(specifier) as unknown;
    const resolved = real.resolve(specifier);
    // Only JavaScript runs in the CommonJS wrapper; JSON or a native addon is Node's to load.
    if (!resolved.endsWith('.js')) return real(specifier) as unknown;
    const known = real.cache[resolved];
    if (known) return known.exports;
    const child = new Module(resolved);
    child.filename = resolved;
    const internals = Module as unknown as { _nodeModulePaths?: (dir: string) => string[] };
    child.paths = internals._nodeModulePaths?.(dirname(resolved)) ?? [];
    // Registered before it runs, as Node does, so a cycle sees the partial exports; removed if it throws.
    real.cache[resolved] = child;
    try {
      const run = compile(resolved).runInThisContext() as (...args: unknown[]) => void;
      run.call(child.exports, child.exports, createRequire(resolved), child, resolved, dirname(resolved));
    } catch (err) {
      delete real.cache[resolved];
      throw err;
    }
    child.loaded = true;
    return child.exports;
  };
  return Object.assign(load, {
    resolve: real.resolve,
    cache: real.cache,
    extensions: real.extensions,
    main: real.main,
  });
}

/** Compiles `file` with the cache `<name>-<tag><key>.v8cache` from `cacheDir`, if there is one. */
function compileCached(file: string, cacheDir: string, name: string, tag: string): CompiledFile {
  // The build is known by size and modification time: hashing the source would cost more than the cache saves.
  const { size, mtimeMs } = statSync(file);
  const source = readFileSync(file, 'utf8');
  const prefix = `${name}-${tag}`;
  const key = `${size}-${Math.round(mtimeMs)}-${process.versions.v8}-${process.arch}`.replace(/[^\w.-]/g, '_');
  const cacheFile = join(cacheDir, `${prefix}${key}${SUFFIX}`);
  const cachedData = readOptional(cacheFile);
  const script = new vm.Script(WRAPPER[0] + source + WRAPPER[1], {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
    // The bundles have no `import()`; should one appear, it resolves as in any CommonJS file.
    ...(vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER
      ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }
      : {}),
  });
  const cache = cachedData === undefined ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  // Dropped once written, so a saver kept for later holds no compiled script.
  let unsaved = cache === 'hit' ? undefined : script;
  return {
    script,
    cache,
    save: () => {
      if (unsaved) writeCache(unsaved, cacheDir, prefix, cacheFile);
      unsaved = undefined;
    },
  };
}

/** Writes `compiled`'s cache to `cacheFile` and removes other builds' caches of the same file; never throws. */
function writeCache(compiled: vm.Script, cacheDir: string, prefix: string, cacheFile: string): void {
  // Temp file, then rename: a write never follows a link at the target, and a reader sees a whole file or none.
  const temp = join(cacheDir, `.${basename(cacheFile, SUFFIX)}-${process.pid}-${Date.now()}.tmp`);
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(temp, compiled.createCachedData(), { flag: 'wx', mode: 0o600 });
    renameSync(temp, cacheFile);
    for (const name of readdirSync(cacheDir)) {
      // Caches of earlier builds of this file are dead weight; another file's (`mcp_server-` beside `mcp-`) stay.
      const isThisFile = name.startsWith(prefix) && KEY_START.test(name.slice(prefix.length));
      if (isThisFile && name.endsWith(SUFFIX) && join(cacheDir, name) !== cacheFile)
        rmSync(join(cacheDir, name), { force: true });
    }
  } catch {
    // No cache this time (read-only or full disk): the next start compiles from source again.
    try {
      rmSync(temp, { force: true });
    } catch {
      // The folder itself is unusable; there is no temp file to remove.
    }
  }
}

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
