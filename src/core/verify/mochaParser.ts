import type { Finding } from '../model/finding';
import { findingLocation } from './findingLocation';
import type { ParseOptions } from './findingLocation';
import { outputLines } from './outputLines';
import { firstUserFrame, isStackFrame, testFailureMessage, testFinding } from './testSummary';
import type { TestSummary } from './testSummary';

const PASSING = /^\s*(\d+) passing\b/;
const FAILING = /^\s*(\d+) failing\b/;
const PENDING = /^\s*(\d+) pending\b/;
/** `  1) suite` opening a numbered failure block after the "N failing" line. */
const FAILURE_HEADER = /^ {2}(\d+)\) (.*)$/;
/** A timeout names the test file in parentheses at the end of its message. */
const FILE_IN_MESSAGE = /\(((?:[A-Za-z]:)?[^()]+\.[cm]?[jt]sx?)\)\s*$/;

/** Counts from mocha's epilogue ("3 passing (62ms)", "1 pending", "2 failing"), or undefined. */
export function summariseMocha(output: string): TestSummary | undefined {
  let passed: number | undefined;
  let failed = 0;
  let skipped = 0;
  for (const line of outputLines(output)) {
    const passing = PASSING.exec(line)?.[1];
    const failing = FAILING.exec(line)?.[1];
    const pending = PENDING.exec(line)?.[1];
    if (passing !== undefined) passed = Number(passing);
    if (failing !== undefined) failed = Number(failing);
    if (pending !== undefined) skipped = Number(pending);
  }
  if (passed === undefined) return undefined;
  return { framework: 'mocha', passed, failed, skipped, total: passed + failed + skipped };
}

/**
 * One major test finding per numbered failure block that mocha prints after "N failing":
 * the title lines up to the one ending in ":" become the name (joined with " › "), the text
 * before the stack the error, and the first stack frame in user code the location.
 */
export function parseMocha(output: string, options: ParseOptions = {}): Finding[] {
  const lines = outputLines(output);
  const failingAt = lines.findIndex((line) => FAILING.test(line));
  if (failingAt === -1) return [];
  const findings: Finding[] = [];
  let i = failingAt + 1;
  while (i < lines.length) {
    const header = FAILURE_HEADER.exec(lines[i] ?? '');
    if (!header) {
      i++;
      continue;
    }
    const titleParts = [header[2] ?? ''];
    i++;
    while (
      !(titleParts[titleParts.length - 1] ?? '').endsWith(':') &&
      i < lines.length &&
      /^\s+\S/.test(lines[i] ?? '')
    ) {
      titleParts.push((lines[i] ?? '').trim());
      i++;
    }
    const title = titleParts
      .map((part) => part.trim())
      .join(' › ')
      .replace(/:$/, '');
    const body: string[] = [];
    while (i < lines.length && !FAILURE_HEADER.test(lines[i] ?? '')) {
      body.push(lines[i] ?? '');
      i++;
    }
    const errorLines = body.filter((line) => !isStackFrame(line) && !/^\s*\+ expected - actual\s*$/.test(line));
    findings.push(testFinding(title, testFailureMessage(title, errorLines), locate(body, options)));
  }
  return findings;
}

function locate(body: readonly string[], options: ParseOptions): string | undefined {
  const frame = firstUserFrame(body);
  if (frame) return findingLocation(frame.file, frame.line, frame.column, options.cwd);
  for (const line of body) {
    const file = FILE_IN_MESSAGE.exec(line)?.[1];
    if (file !== undefined) return findingLocation(file, undefined, undefined, options.cwd);
  }
  return undefined;
}
