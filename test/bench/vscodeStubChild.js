// Run by footprintBench.ts in a fresh node process: `node vscodeStubChild.js <dist/extensionLoader.js> <storageDir>`.
// Resolves `vscode` to a stub in which every member is callable, constructible and has every
// member, then times require() of the bundle and activate() with a stub context, then the first
// command (Refresh Runs), which loads the engine bundle when it is not loaded yet. Prints one JSON line.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS child: it require()s the bundle the way VS Code does. */
const Module = require('node:module');

function stub(name) {
  const target = function () {};
  const values = new Map();
  return new Proxy(target, {
    set(_t, prop, value) {
      values.set(prop, value);
      return true;
    },
    defineProperty(_t, prop, descriptor) {
      values.set(prop, descriptor.get ? descriptor.get() : descriptor.value);
      return true;
    },
    get(_t, prop) {
      if (values.has(prop)) return values.get(prop);
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'toString' || prop === 'toJSON') return () => name;
      if (prop === 'length') return 0;
      return stub(`${name}.${String(prop)}`);
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

// The module's top-level names, from the API's own typings: a bundle's `import * as vscode`
// copies own keys, so the stub must have them.
const typings = require('node:fs').readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
const vscodeStub = {};
for (const m of typings.matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm))
  vscodeStub[m[1]] = stub(`vscode.${m[1]}`);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return 'vscode';
  return resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscodeStub };
// Commands are recorded so one can be run, and error messages so a failure is reported, not lost.
const commands = new Map();
vscodeStub.commands.registerCommand = (id, run) => {
  commands.set(id, run);
  return { dispose: () => commands.delete(id) };
};
const errorMessages = [];
vscodeStub.window.showErrorMessage = async (message) => {
  errorMessages.push(String(message));
  return undefined;
};

const [bundle, storage] = process.argv.slice(2);
const path = require('node:path');
const packageJSON = JSON.parse(
  require('node:fs').readFileSync(path.join(path.dirname(bundle), '..', 'package.json'), 'utf8'),
);
const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const c0 = process.cpuUsage();
const t0 = performance.now();
const extension = require(bundle);
const requireMs = performance.now() - t0;
// CPU time beside wall time: on a loaded machine the wall time mostly measures the other processes.
const result = { requireMs, requireCpuMs: cpuMs(c0) };
try {
  const storageUri = { fsPath: storage, path: storage, scheme: 'file', toString: () => `file://${storage}` };
  const context = {
    subscriptions: [],
    globalStorageUri: storageUri,
    storageUri,
    logUri: storageUri,
    extensionUri: { fsPath: __dirname, path: __dirname, scheme: 'file' },
    extensionPath: __dirname,
    extensionMode: 1,
    extension: { id: `${packageJSON.publisher}.${packageJSON.name}`, packageJSON },
    secrets: {
      get: async () => undefined,
      store: async () => undefined,
      delete: async () => undefined,
      onDidChange: stub('onDidChange'),
    },
    globalState: {
      get: () => undefined,
      update: async () => undefined,
      keys: () => [],
      setKeysForSync: () => undefined,
    },
    workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
    environmentVariableCollection: stub('env'),
    asAbsolutePath: (p) => p,
  };
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  extension.activate(context);
  result.activateMs = performance.now() - t1;
  result.activateCpuMs = cpuMs(c1);
} catch (err) {
  result.activateError = err instanceof Error ? err.message : String(err);
}

/** Runs Refresh Runs right after activate(), before anything else could load the engine: the slowest first command. */
async function firstCommand() {
  const refresh = commands.get('agentOrchestrator.refreshRuns');
  if (result.activateError || !refresh) return;
  const c2 = process.cpuUsage();
  const t2 = performance.now();
  await refresh();
  result.firstCommandMs = performance.now() - t2;
  result.firstCommandCpuMs = cpuMs(c2);
  if (errorMessages.length > 0) result.firstCommandError = errorMessages.join('; ');
}

firstCommand()
  .catch((err) => {
    result.firstCommandError = err instanceof Error ? err.message : String(err);
  })
  .then(() => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    // The loader writes V8's code caches after activate() returns and after the engine is built; a warm start needs them on disk.
    return extension.whenCodeCacheSaved?.();
  })
  .finally(() => process.exit(0));
