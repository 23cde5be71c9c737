import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = resolve(__dirname, '../../..');

/** The webview bundle's inputs as esbuild.mjs builds it for production (written nowhere). */
async function webviewInputs(): Promise<Record<string, number>> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['webview/main.ts'],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outdir: 'dist/webview',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes: Record<string, number> = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) bytes[input] = bytesInOutput;
  }
  return bytes;
}

// The protocol schemas are zod/mini so the page stays well under its 400 kB budget: classic zod
// (its methods, JSON Schema conversion, all locales) costs the webview about 65 kB more.
describe('the webview bundle carries zod/mini only', () => {
  let inputs: Record<string, number>;
  before(async () => {
    inputs = await webviewInputs();
  });
  const inputsMatching = (pattern: RegExp): string[] => Object.keys(inputs).filter((path) => pattern.test(path));

  it('bundles the protocol and zod at all (so the checks below can fail)', () => {
    assert.deepEqual(inputsMatching(/^src\/protocol\/messages\.ts$/), ['src/protocol/messages.ts']);
    assert.ok(
      inputs[inputsMatching(/(^|\/)node_modules\/zod\/v4\/core\/schemas\.js$/)[0] ?? ''],
      'zod core is in the output',
    );
  });

  it('has no input under zod/v4/classic (import from "zod/mini" in src/protocol and webview/)', () => {
    assert.deepEqual(inputsMatching(/(^|\/)node_modules\/zod\/v4\/classic\//), []);
  });

  it('has no zod locale but English (import { en } from "zod/v4/locales", never z.locales)', () => {
    const locales = inputsMatching(/(^|\/)node_modules\/zod\/v4\/locales\//).filter((path) => inputs[path]! > 0);
    assert.deepEqual(
      locales.map((path) => path.replace(/^.*\/locales\//, '')),
      ['en.js'],
    );
  });
});
