import type { Finding } from '../model/finding';
import { findingLocation } from './findingLocation';
import type { ParseOptions } from './findingLocation';
import { outputLines } from './outputLines';
import { firstUserFrame, isStackFrame, testFailureMessage, testFinding } from './testSummary';
import type { TestSummary } from './testSummary';

/** `Tests:       2 failed, 1 skipped, 1 todo, 4 passed, 8 total`. */
const TESTS_LINE = /^\s*Tests:\s+(.*\d+ total.*)$/;
/** ` FAIL  src/a.test.ts (5.012 s)`: the file the following failure blocks belong to. */
const SUITE_LINE = /^\s*(PASS|FAIL)\s+(.+?)(?:\s+\([\d.]+ m?s(?:, [\d.]+ MB heap size)?\))?\s*$/;
/** `  ● Suite › test`: one failure block. */
const FAILURE_HEADER = /^\s*● (.+?)\s*$/;
/** `●` headings that are not test failures: configuration and teardown notices. */
const NOT_A_FAILURE = /^(?:Validation|Deprecation) (?:Warning|Error):|^Cannot log after tests are done/;
/** Lines that close a failure block. */
const BLOCK_END =
  /^\s*(?:PASS|FAIL)\s|^\s*(?:Test Suites|Tests|Snapshots|Time):\s|^\s*Summary of all failing tests\s*$/;
/** Code frame lines: `   12 |   code`, `> 12 |   code`, `      |    ^`. */
const CODE_FRAME = /^\s*(?:>\s*)?\d*\s+\|/;

/** Counts from Jest's "Tests:" summary line, or undefined when there is none. */
export function summariseJest(output: string): TestSummary | undefined {
  let counts: string | undefined;
  for (const line of outputLines(output)) counts = TESTS_LINE.exec(line)?.[1] ?? counts;
  if (counts === undefined) return undefined;
  const count = (word: string): number => Number(new RegExp(`(\\d+) ${word}\\b`).exec(counts)?.[1] ?? 0);
  const passed = count('passed');
  const failed = count('failed');
  const skipped = count('skipped') + count('todo') + count('pending');
  return { framework: 'jest', passed, failed, skipped, total: count('total') || passed + failed + skipped };
}

/**
 * One major test finding per `● Suite › test` block in Jest's output: the title, the error text
 * without the code frame, and the first stack frame outside node_modules as location (else the
 * FAIL line's file). A "Test suite failed to run" block is reported against its file. A block
 * repeated under "Summary of all failing tests" is reported once.
 */
export function parseJest(output: string, options: ParseOptions = {}): Finding[] {
  const lines = outputLines(output);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let suiteFile: string | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const suite = SUITE_LINE.exec(line);
    if (suite) suiteFile = suite[2];
    const header = FAILURE_HEADER.exec(line);
    i++;
    if (!header) continue;
    const body: string[] = [];
    while (i < lines.length && !FAILURE_HEADER.test(lines[i] ?? '') && !BLOCK_END.test(lines[i] ?? '')) {
      body.push(lines[i] ?? '');
      i++;
    }
    const heading = header[1] ?? '';
    if (NOT_A_FAILURE.test(heading)) continue;
    const title =
      heading === 'Test suite failed to run' && suiteFile !== undefined
        ? `${suiteFile}: test suite failed to run`
        : heading;
    const frame = firstUserFrame(body);
    const location = frame
      ? findingLocation(frame.file, frame.line, frame.column, options.cwd)
      : suiteFile === undefined
        ? undefined
        : findingLocation(suiteFile, undefined, undefined, options.cwd);
    const errorLines = body.filter((text) => !isStackFrame(text) && !CODE_FRAME.test(text));
    const name = suiteFile === undefined || title.startsWith(suiteFile) ? title : `${suiteFile} › ${title}`;
    const finding = testFinding(name, testFailureMessage(title, errorLines), location);
    const key = `${finding.message}\u0000${finding.location ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}
