import type { Finding } from '../model/finding';
import { findingLocation, relativePath } from './findingLocation';
import type { ParseOptions } from './findingLocation';
import { outputLines } from './outputLines';
import { firstUserFrame, isStackFrame, testFailureMessage, testFinding } from './testSummary';
import type { TestSummary } from './testSummary';

// Node's built-in test runner (`node --test`) prints TAP when its output is not a terminal (Node 20,
// the default of a verification) and the "spec" tree otherwise (`--test-reporter=spec`, Node 23+).

/** `# Subtest: name`, indented four spaces per level. */
const TAP_SUBTEST = /^(\s*)# Subtest: (.*)$/;
/** `not ok 2 - name`, possibly with a `# TODO`/`# SKIP` directive. */
const TAP_NOT_OK = /^(\s*)not ok \d+ - (.*?)(?:\s+#\s*(TODO|SKIP)\b.*)?$/i;
/** `# tests 8`, `ℹ tests 8`: the closing counts of either reporter. */
const COUNT_LINE = /^(?:#|ℹ) (tests|pass|fail|cancelled|skipped|todo) (\d+)\s*$/;
/** Spec reporter: `▶ suite`, `✔ name (1.2ms)`, `✖ name (1.2ms)`, `﹣ name (0.1ms) # SKIP`. */
const SPEC_LINE = /^(\s*)(▶|✔|✖|﹣) (.*?)(?: \([\d.]+m?s\))?(?: # (?:SKIP|TODO)\b.*)?\s*$/;
/** `✖ failing tests:`: the spec reporter's repeat of every failure, after the counts. */
const SPEC_FAILING_SECTION = /^✖ failing tests:\s*$/;
/** `test at test/a.test.mjs:6:3` in that repeat. */
const SPEC_TEST_AT = /^test at (.+?):(\d+):(\d+)\s*$/;

/** Counts from the closing `# tests`/`ℹ tests` lines, or undefined when there are none. */
export function summariseNodeTest(output: string): TestSummary | undefined {
  const counts = new Map<string, number>();
  for (const line of outputLines(output)) {
    const count = COUNT_LINE.exec(line);
    if (count) counts.set(count[1] ?? '', Number(count[2]));
  }
  if (!counts.has('tests') || !counts.has('pass')) return undefined;
  const passed = counts.get('pass') ?? 0;
  const failed = (counts.get('fail') ?? 0) + (counts.get('cancelled') ?? 0);
  const skipped = (counts.get('skipped') ?? 0) + (counts.get('todo') ?? 0);
  return { framework: 'node', passed, failed, skipped, total: counts.get('tests') ?? passed + failed + skipped };
}

/**
 * One major test finding per failing test of `node --test`, from TAP or the spec reporter: named
 * by its suites and title (`suite › test`), a file that failed to load by its file. Suites that
 * failed only because a test inside them did are not reported again.
 */
export function parseNodeTest(output: string, options: ParseOptions = {}): Finding[] {
  const lines = outputLines(output);
  if (lines.some((line) => TAP_SUBTEST.test(line) || /^TAP version \d+/.test(line))) return parseTap(lines, options);
  if (lines.some((line) => /^ℹ tests \d+/.test(line))) return parseSpec(lines, options);
  return [];
}

function parseTap(lines: readonly string[], options: ParseOptions): Finding[] {
  const findings: Finding[] = [];
  const names: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const subtest = TAP_SUBTEST.exec(line);
    if (subtest) {
      const depth = Math.floor((subtest[1] ?? '').length / 4);
      names.length = depth;
      names[depth] = subtest[2] ?? '';
      continue;
    }
    const notOk = TAP_NOT_OK.exec(line);
    if (!notOk || notOk[3] !== undefined) continue;
    const indent = (notOk[1] ?? '').length;
    const depth = Math.floor(indent / 4);
    const block: string[] = [];
    if ((lines[i + 1] ?? '').trim() === '---') {
      i++;
      while (i + 1 < lines.length && (lines[i + 1] ?? '').trim() !== '...') block.push(lines[++i] ?? '');
      i++;
    }
    const yaml = readYamlBlock(block);
    if (yaml.get('failureType') === 'subtestsFailed') continue;
    const title = notOk[2] ?? '';
    const path = [...names.slice(0, depth), title];
    const stack = (yaml.get('stack') ?? '').split('\n').map((frame) => `at ${frame.trim()}`);
    const frame = firstUserFrame(stack);
    const declared = /^'?(.+?):(\d+):(\d+)'?$/.exec(yaml.get('location') ?? '');
    const location = frame
      ? findingLocation(frame.file, frame.line, frame.column, options.cwd)
      : declared
        ? findingLocation(declared[1] ?? '', Number(declared[2]), Number(declared[3]), options.cwd)
        : undefined;
    const error = [yaml.get('name'), yaml.get('error')].filter((part) => part !== undefined && part !== '').join(': ');
    findings.push(failure(path, error.split('\n'), location, options));
  }
  return findings;
}

function parseSpec(lines: readonly string[], options: ParseOptions): Finding[] {
  const end = lines.findIndex((line) => SPEC_FAILING_SECTION.test(line));
  const declaredAt = new Map<string, string>();
  if (end !== -1) {
    for (let i = end; i < lines.length - 1; i++) {
      const at = SPEC_TEST_AT.exec(lines[i] ?? '');
      const title = SPEC_LINE.exec(lines[i + 1] ?? '')?.[3];
      if (at && title !== undefined && !declaredAt.has(title))
        declaredAt.set(title, findingLocation(at[1] ?? '', Number(at[2]), Number(at[3]), options.cwd));
    }
  }
  const tree = end === -1 ? lines : lines.slice(0, end);
  const findings: Finding[] = [];
  const suites: Array<{ indent: number; name: string }> = [];
  for (let i = 0; i < tree.length; i++) {
    const match = SPEC_LINE.exec(tree[i] ?? '');
    if (!match) continue;
    const indent = (match[1] ?? '').length;
    const [mark, title = ''] = [match[2], match[3]];
    while (suites.length > 0 && (suites[suites.length - 1]?.indent ?? 0) > indent) suites.pop();
    const top = suites[suites.length - 1];
    if (mark === '▶') {
      suites.push({ indent, name: title });
      continue;
    }
    // `✖ suite (…)` at the suite's own indent closes it: its failure is its tests'.
    if (top && top.indent === indent && top.name === title) {
      suites.pop();
      continue;
    }
    if (mark !== '✖') continue;
    const body: string[] = [];
    while (i + 1 < tree.length && indentOf(tree[i + 1] ?? '') > indent) body.push(tree[++i] ?? '');
    const path = [...suites.filter((s) => s.indent < indent).map((s) => s.name), title];
    const frame = firstUserFrame(body);
    const location = frame ? findingLocation(frame.file, frame.line, frame.column, options.cwd) : declaredAt.get(title);
    // The error's text is what comes before its stack; the error's own properties follow the stack.
    const stackAt = body.findIndex((text) => isStackFrame(text));
    const errorLines = (stackAt === -1 ? body : body.slice(0, stackAt)).map((text) =>
      text.trim().replace(/^'(.*)'$/, '$1'),
    );
    findings.push(failure(path, errorLines, location, options));
  }
  return findings;
}

/** A failing test, or a test file that failed to load (its "title" is the file's path). */
function failure(path: string[], errorLines: string[], location: string | undefined, options: ParseOptions): Finding {
  const title = path[path.length - 1] ?? '';
  if (path.length === 1 && /\.[cm]?[jt]sx?$/.test(title)) {
    const file = relativePath(title, options.cwd);
    const name = `${file}: test file failed to run`;
    return testFinding(name, testFailureMessage(name, errorLines), location ?? file);
  }
  const name = path.join(' › ');
  return testFinding(name, testFailureMessage(name, errorLines), location);
}

function indentOf(line: string): number {
  if (line.trim() === '') return Number.POSITIVE_INFINITY;
  return line.length - line.trimStart().length;
}

/** The top-level scalar fields of a TAP YAML diagnostic block (`key: 'value'`, `key: value`, `key: |-` blocks). */
function readYamlBlock(block: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  const base = Math.min(...block.filter((line) => line.trim() !== '').map(indentOf));
  for (let i = 0; i < block.length; i++) {
    const line = block[i] ?? '';
    if (indentOf(line) !== base) continue;
    const field = /^\s*([\w]+):\s?(.*)$/.exec(line);
    if (!field) continue;
    const [, key = '', raw = ''] = field;
    if (/^[|>][-+]?$/.test(raw.trim())) {
      const text: string[] = [];
      while (i + 1 < block.length && indentOf(block[i + 1] ?? '') > base) text.push((block[++i] ?? '').trim());
      fields.set(key, text.join('\n').trim());
    } else {
      fields.set(
        key,
        raw
          .trim()
          .replace(/^'(.*)'$/, '$1')
          .replace(/''/g, "'"),
      );
    }
  }
  return fields;
}
