import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import * as vm from 'node:vm';

/** A CommonJS file run from V8's code cache, and how the cache it used fared. */
export interface CodeCachedModule {
  /** What the file put in `module.exports`. */
  exports: Record<string, unknown>;
  /** `hit`: V8 took the cache; `miss`: there was none; `rejected`: V8 refused it (another V8, flags or a damaged file). */
  cache: 'hit' | 'miss' | 'rejected';
  /**
   * Writes the code V8 has compiled so far (call it after the file's functions ran, e.g. after
   * `activate()`), unless the cache was a hit. Resolves when written; never rejects (the cache is optional).
   */
  saveCache(): Promise<void>;
  /** `saveCache` at once, for a process about to exit (an `exit` listener cannot wait). */
  saveCacheNow(): void;
}

/** The wrapper Node puts around every CommonJS file. */
const WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'] as const;

/** Cache files are named `<file>-<key>.v8cache`; the key names the build of the file, the V8 version and the CPU. */
const SUFFIX = '.v8cache';

/**
 * Runs a CommonJS file the way `require` does, but compiled with V8's code cache from `cacheDir`
 * (Node's own compile cache, `module.enableCompileCache`, needs Node 22.1, and VS Code 1.99's
 * extension host runs Node 20). Without a cache, or with one V8 refuses, the file is compiled
 * from source as usual and `saveCache` writes a fresh one. A cache file is used only for the build
 * it was made from (its name holds the file's size and time, and V8 checks the source length too);
 * any error reading it means compiling from source.
 */
export function requireWithCodeCache(
  file: string,
  cacheDir: string,
  /**
   * Keeps a cache of its own per variant (a word, e.g. the CLI's command): a cache holds the
   * functions of the run that wrote it, so `--version` run first must not decide what `run` gets.
   */
  variant?: string,
): CodeCachedModule {
  // The build is known by size and modification time: hashing the source would cost more than the cache saves.
  const { size, mtimeMs } = statSync(file);
  const source = readFileSync(file, 'utf8');
  const tag = variant === undefined ? '' : `${variant.replace(/\W/g, '_')}-`;
  const prefix = `${basename(file).replace(/\.js$/, '')}-${tag}`;
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
  const module = { exports: {} as Record<string, unknown>, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    cache,
    saveCache: () =>
      cache === 'hit' ? Promise.resolve() : new Promise((done) => setImmediate(() => done(writeCache(script)))),
    saveCacheNow: () => {
      if (cache !== 'hit') writeCache(script);
    },
  };

  function writeCache(compiled: vm.Script): void {
    // Temp file, then rename: a write never follows a link at the target, and a reader sees a whole file or none.
    const temp = join(cacheDir, `.${prefix}${key}-${process.pid}-${Date.now()}.tmp`);
    try {
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(temp, compiled.createCachedData(), { flag: 'wx', mode: 0o600 });
      renameSync(temp, cacheFile);
      for (const name of readdirSync(cacheDir)) {
        // Caches of earlier builds of this file are dead weight.
        if (name.startsWith(prefix) && name.endsWith(SUFFIX) && join(cacheDir, name) !== cacheFile)
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
}

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
