import type { Finding } from '../model/finding';
import { findingLocation } from './findingLocation';
import type { ParseOptions } from './findingLocation';
import { outputLines } from './outputLines';
import { testFailureMessage, testFinding } from './testSummary';
import type { TestSummary } from './testSummary';

/** ` Test Files  3 failed (3)`. */
const TEST_FILES_LINE = /^\s*Test Files\s+(.*\(\d+\))\s*$/;
/** `      Tests  3 failed | 2 passed | 1 skipped (6)`. */
const TESTS_LINE = /^\s*Tests\s+(.*)\((\d+)\)\s*$/;
/** `⎯⎯⎯ Failed Tests 3 ⎯⎯⎯` (or `Failed Suites`), opening the report of failures. */
const REPORT_HEADER = /^\s*⎯+\s*Failed (?:Tests|Suites) \d+\s*⎯+\s*$/;
/** ` FAIL  test/a.test.ts > suite > test`, or ` FAIL  test/a.test.ts [ test/a.test.ts ]` for a file that did not load. */
const FAILURE_HEADER = /^\s*FAIL\s+(.+?)\s*$/;
/** `⎯⎯⎯[2/4]⎯` between failures, or a rule closing the report. */
const SEPARATOR = /^\s*⎯{3,}/;
/** ` ❯ test/a.test.ts:5:53` (a frame of the error); also `at` frames in older versions. */
const FRAME = /^\s*(?:❯|→|at)\s+(?:.*?\()?((?:file:\/\/)?(?:[A-Za-z]:)?[^():\s]+?):(\d+):(\d+)\)?\s*$/;
/** Code frame lines: `      5|   code`, `       |   ^`. */
const CODE_FRAME = /^\s*\d*\|/;

/** Counts from Vitest's closing "Tests" line, or undefined when there is none. */
export function summariseVitest(output: string): TestSummary | undefined {
  const lines = outputLines(output);
  if (!lines.some((line) => TEST_FILES_LINE.test(line))) return undefined;
  let counts: RegExpExecArray | undefined;
  for (const line of lines) counts = TESTS_LINE.exec(line) ?? counts;
  if (counts === undefined) return undefined;
  const text = counts[1] ?? '';
  const count = (word: string): number => Number(new RegExp(`(\\d+) ${word}\\b`).exec(text)?.[1] ?? 0);
  const passed = count('passed');
  const failed = count('failed');
  const skipped = count('skipped') + count('todo');
  return { framework: 'vitest', passed, failed, skipped, total: Number(counts[2]) || passed + failed + skipped };
}

/**
 * One major test finding per `FAIL` block of Vitest's failure report ("Failed Tests" and "Failed
 * Suites"): the test's path (`file > suite > test`), the error's first lines without the diff and
 * code frame, and the first frame outside node_modules as location (else the file). A file that
 * could not be loaded is reported as such, against its file.
 */
export function parseVitest(output: string, options: ParseOptions = {}): Finding[] {
  const lines = outputLines(output);
  const findings: Finding[] = [];
  let inReport = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (REPORT_HEADER.test(line)) {
      inReport = true;
      continue;
    }
    const header = inReport ? FAILURE_HEADER.exec(line) : null;
    if (!header) continue;
    const body: string[] = [];
    while (i + 1 < lines.length && !FAILURE_HEADER.test(lines[i + 1] ?? '') && !SEPARATOR.test(lines[i + 1] ?? '')) {
      body.push(lines[i + 1] ?? '');
      i++;
    }
    const heading = header[1] ?? '';
    const suite = /^(.+?)\s+\[\s*(.+?)\s*\]$/.exec(heading);
    const [file = heading, ...path] = (suite ? (suite[1] ?? heading) : heading).split(/\s+>\s+/);
    const name = suite || path.length === 0 ? `${file}: test file failed to run` : [file, ...path].join(' › ');
    const title = suite || path.length === 0 ? name : path.join(' › ');
    const errorLines = body.filter((text) => !FRAME.test(text) && !CODE_FRAME.test(text) && !/^[-+] /.test(text));
    const frame = body
      .map((text) => FRAME.exec(text))
      .find((match) => match !== null && !/[\\/]node_modules[\\/]|^node_modules[\\/]/.test(match[1] ?? ''));
    const location = frame
      ? findingLocation(frame[1] ?? file, Number(frame[2]), Number(frame[3]), options.cwd)
      : findingLocation(file, undefined, undefined, options.cwd);
    findings.push(testFinding(name, testFailureMessage(title, errorLines.slice(0, 3)), location));
  }
  return findings;
}
