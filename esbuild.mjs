// Builds the extension host bundles (node/cjs: the loader, activation and the engine), the webview bundle (browser/esm) and the CLI (node/cjs).
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { chmod, copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Builds in progress across both contexts, so the log shows one start/finish pair per rebuild. */
let activeBuilds = 0;

/**
 * Prints the start/finish lines and errors in the shape the background problem matcher in
 * .vscode/tasks.json expects; "finished" comes only when every running context is done.
 * @type {import('esbuild').Plugin}
 */
const problemMatcherLog = {
  name: 'problem-matcher-log',
  setup(build) {
    build.onStart(() => {
      if (activeBuilds++ === 0) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      }
      if (--activeBuilds === 0) console.log('[watch] build finished');
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const shared = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [problemMatcherLog],
};

/**
 * zod's error messages in 40 languages are 264 kB of the bundle; ours are English (the messages
 * we show are our own). The locales index zod imports becomes one that has English only.
 * @type {import('esbuild').Plugin}
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, args.path), namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * The provider SDKs and OpenAI's tokenizers (megabytes of rank tables), each bundled into a file of
 * its own that src/core/llm/sdkLoader.ts or src/core/llm/openAiTokenizer.ts requires on first use;
 * likewise the MCP server SDK, which only `agent-orchestrator mcp` (src/cli/mcpServer.ts) requires.
 */
const SDK_BUNDLES = {
  openai: 'sdk/openai.js',
  '@anthropic-ai/sdk': 'sdk/anthropic.js',
  'gpt-tokenizer/encoding/o200k_base': 'sdk/tokenizer-o200k.js',
  'gpt-tokenizer/encoding/cl100k_base': 'sdk/tokenizer-cl100k.js',
  '@modelcontextprotocol/sdk/server/mcp.js': 'sdk/mcp-server.js',
  '@modelcontextprotocol/sdk/server/stdio.js': 'sdk/mcp-stdio.js',
  // The MCP client (src/core/tools/mcpClientSdk.ts re-exports it), loaded on the first MCP server start.
  './src/core/tools/mcpClientSdk.ts': 'sdk/mcp.js',
};

/**
 * In the extension and CLI bundles, `require('openai')`, `require('@anthropic-ai/sdk')` and the
 * tokenizers' requires stay requires of their own file next to the bundle, so none is parsed until
 * its provider is called (or, for a tokenizer, until a request to an OpenAI model is counted).
 * @type {import('esbuild').Plugin}
 */
const lazySdks = {
  name: 'lazy-sdks',
  setup(build) {
    build.onResolve(
      {
        filter:
          /^(openai|@anthropic-ai\/sdk|gpt-tokenizer\/encoding\/(o200k|cl100k)_base|@modelcontextprotocol\/sdk\/server\/(mcp|stdio)\.js)$/,
      },
      (args) => ({
        path: `./${SDK_BUNDLES[args.path]}`,
        external: true,
      }),
    );
    build.onResolve({ filter: /^\.\/mcpClientSdk$/ }, () => ({
      path: `./${SDK_BUNDLES['./src/core/tools/mcpClientSdk.ts']}`,
      external: true,
    }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const nodeShared = {
  ...shared,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [...shared.plugins, zodEnglishOnly, lazySdks],
};

/** @type {import('esbuild').BuildOptions} */
const sdkOptions = {
  ...shared,
  entryPoints: Object.entries(SDK_BUNDLES).map(([pkg, out]) => ({ in: pkg, out: `dist/${out.replace(/\.js$/, '')}` })),
  outdir: '.',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
};

/**
 * Activation (src/host/extension.ts): the first screen only — views, status bar, the command table,
 * the API — about 30 kB. It requires dist/engine.js itself, by path, after activation.
 * @type {import('esbuild').BuildOptions}
 */
const extensionOptions = {
  ...nodeShared,
  entryPoints: ['src/host/extension.ts'],
  outfile: 'dist/extension.js',
  external: ['vscode'],
};

/**
 * The engine (src/host/engineMain.ts): planner, executor, providers, tools, policies, store,
 * approvals, commands' handlers, the run panel's host; loaded right after activation, or by the
 * first command that comes sooner (src/host/activation/lazyEngine.ts).
 * @type {import('esbuild').BuildOptions}
 */
const engineOptions = {
  ...nodeShared,
  entryPoints: ['src/host/engineMain.ts'],
  outfile: 'dist/engine.js',
  external: ['vscode'],
};

/**
 * The extension's `main`: a few kB that load dist/extension.js through V8's code cache
 * (src/host/extensionLoader.ts), so the big bundle is compiled from source only once per build.
 * @type {import('esbuild').BuildOptions}
 */
const loaderOptions = {
  ...shared,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  entryPoints: ['src/host/extensionLoader.ts'],
  outfile: 'dist/extensionLoader.js',
  external: ['vscode'],
};

/** @type {import('esbuild').BuildOptions} */
const webviewOptions = {
  ...shared,
  entryPoints: ['webview/main.ts'],
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
};

/**
 * Makes the CLI bundle executable after each successful build, so `./dist/cli.js` runs directly
 * (npm sets the mode itself when it links the `bin`).
 * @type {import('esbuild').Plugin}
 */
const executable = {
  name: 'executable',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length === 0 && build.initialOptions.outfile) await chmod(build.initialOptions.outfile, 0o755);
    });
  },
};

/**
 * The CLI's `bin`: a few kB that run dist/cliBundle.js through V8's code cache (src/cli/cliLoader.ts),
 * so the bundle is compiled from source only on the first run after a build.
 * @type {import('esbuild').BuildOptions}
 */
const cliOptions = {
  ...shared,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  entryPoints: ['src/cli/cliLoader.ts'],
  outfile: 'dist/cli.js',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [...shared.plugins, executable],
};

/** @type {import('esbuild').BuildOptions} */
const cliBundleOptions = {
  ...nodeShared,
  entryPoints: ['src/cli/cli.ts'],
  outfile: 'dist/cliBundle.js',
};

/** Files copied as they are into dist/webview: the codicon font and its stylesheet (the page links them). */
const codiconFiles = ['codicon.css', 'codicon.ttf'];

/** Copies the codicons beside the webview bundle. */
async function copyCodicons() {
  const from = dirname(createRequire(import.meta.url).resolve('@vscode/codicons/dist/codicon.css'));
  await mkdir('dist/webview', { recursive: true });
  await Promise.all(codiconFiles.map((file) => copyFile(join(from, file), join('dist/webview', file))));
}

async function main() {
  // Stale outputs (e.g. source maps of a dev build) must not end up in a production VSIX.
  await rm('dist/webview', { recursive: true, force: true });
  await rm('dist/extension.js.map', { force: true });
  await rm('dist/engine.js.map', { force: true });
  await rm('dist/extensionLoader.js.map', { force: true });
  await rm('dist/cli.js.map', { force: true });
  await rm('dist/cliBundle.js.map', { force: true });
  // Compiled code of an earlier build is dead weight; the first run of this build writes a new one.
  await rm('dist/code-cache', { recursive: true, force: true });
  await rm('dist/sdk', { recursive: true, force: true });
  await copyCodicons();

  const contexts = await Promise.all([
    esbuild.context(extensionOptions),
    esbuild.context(engineOptions),
    esbuild.context(loaderOptions),
    esbuild.context(webviewOptions),
    esbuild.context(cliOptions),
    esbuild.context(cliBundleOptions),
    esbuild.context(sdkOptions),
  ]);
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    return;
  }
  try {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  } finally {
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
  }
}

main().catch((error) => {
  // esbuild failures were already printed by problemMatcherLog; anything else is unexpected.
  if (!(error && Array.isArray(error.errors))) console.error(error);
  process.exit(1);
});
