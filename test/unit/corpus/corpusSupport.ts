import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { CliIo } from '../../../src/cli/cliIo';
import { runCli } from '../../../src/cli/cliMain';
import { recordingOutput } from '../../support/memoryCliIo';

/** The bad-input corpus: one folder per kind of input, each with a manifest.json. */
export const CORPUS_DIR = join(__dirname, '..', '..', 'fixtures', 'bad-inputs');

/** The kinds of bad input, one folder each. */
export type CorpusKind = 'plans' | 'flags' | 'settings' | 'tool-calls' | 'agent-files' | 'run-files';

/** A kind's manifest: what its entry point is, and its cases (stored inputs, then generated ones). */
export interface Manifest<C, G = never> {
  entry: string;
  cases: C[];
  generated?: G[];
}

/** Reads the manifest of one kind. */
export function readManifest<C, G = never>(kind: CorpusKind): Manifest<C, G> {
  return JSON.parse(readFileSync(join(CORPUS_DIR, kind, 'manifest.json'), 'utf8')) as Manifest<C, G>;
}

/** The path of a stored input of one kind. */
export function corpusFile(kind: CorpusKind, name: string): string {
  return join(CORPUS_DIR, kind, name);
}

/** Wildcards an expected text may hold: the JSON parser's message (it differs between Node versions), and any text. */
const WILDCARDS: Record<string, string> = { '{jsonError}': '[^\\n]+?', '{any}': '[^]*' };

/**
 * Asserts `actual` is exactly `expected` once its placeholders are filled in (`{ws}` → a path); the
 * wildcards `{jsonError}` and `{any}` match text the product does not own.
 */
export function assertExactText(actual: string, expected: string, vars: Record<string, string> = {}): void {
  const filled = fill(expected, vars);
  const parts = filled.split(/(\{jsonError\}|\{any\})/);
  if (parts.length === 1) {
    assert.equal(actual, filled);
    return;
  }
  const source = parts.map((part, i) => (i % 2 === 1 ? WILDCARDS[part] : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(actual, new RegExp(`^${source.join('')}$`), `expected:\n${filled}\nactual:\n${actual}`);
}

/** Asserts each line of `actual` matches the expected line of the same index, and that there are as many. */
export function assertExactLines(actual: readonly string[], expected: readonly string[], vars = {}): void {
  assert.equal(actual.length, expected.length, `expected ${expected.length} lines, got:\n${actual.join('\n')}`);
  actual.forEach((line, i) => assertExactText(line, expected[i]!, vars));
}

/** Asserts `text` holds no control character but newline (C0, DEL, C1): bad input quoted in a message is shown as escapes. */
export function assertNoControlCharacters(text: string): void {
  // eslint-disable-next-line no-control-regex
  const found = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.exec(text);
  assert.equal(
    found,
    null,
    `a raw control character U+${found?.[0].codePointAt(0)?.toString(16)} in: ${JSON.stringify(text)}`,
  );
}

/** `text` with every `{name}` of `vars` replaced (longest names first, so `{ws}` never eats `{wsX}`). */
export function fill(text: string, vars: Record<string, string>): string {
  return Object.keys(vars)
    .sort((a, b) => b.length - a.length)
    .reduce((out, name) => out.split(`{${name}}`).join(vars[name]!), text);
}

/** A JSON value with `fill` applied to every string in it. */
export function fillDeep<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') return fill(value, vars) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => fillDeep(v, vars)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, vars)])) as T;
  return value;
}

/**
 * Every entry under `dir`, recursively and sorted, as `path kind detail`: a file's size, link
 * count, mode and SHA-256; a link's target (never followed); a folder's mode. Two equal listings
 * mean nothing was created, removed, replaced or changed.
 */
export async function treeDigest(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (entries === undefined) {
      out.push(`${relative(dir, folder) || '.'} missing`);
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      const rel = relative(dir, path);
      const info = await lstat(path);
      if (info.isSymbolicLink()) out.push(`${rel} link ${await readlink(path)}`);
      else if (info.isDirectory()) {
        out.push(`${rel} dir ${(info.mode & 0o7777).toString(8)}`);
        await walk(path);
      } else {
        const hash = createHash('sha256')
          .update(await readFile(path))
          .digest('hex');
        out.push(`${rel} file ${info.size} ${info.nlink} ${(info.mode & 0o7777).toString(8)} ${hash}`);
      }
    }
  };
  await walk(dir);
  return out;
}

/** The SHA-256 of a file's bytes. */
export async function fileHash(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** What one CLI invocation left behind. */
export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's own entry (`runCli` of src/cli/cliMain.ts) in this process, with stdin closed and no terminal. */
export async function runCliInProcess(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  cwd: string,
): Promise<CliOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: recordingOutput(out),
    stderr: recordingOutput(err),
    stdin: Readable.from([]),
    stdinIsTTY: false,
    env,
    cwd,
    onSignal: () => () => undefined,
  };
  const code = await runCli(argv, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
