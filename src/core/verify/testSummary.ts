import type { Finding } from '../model/finding';
import { findingKey } from './findingKey';

/** The test runners whose summaries we read. */
export type TestFramework = 'mocha' | 'jest' | 'pytest' | 'vitest' | 'node';

/** Counts from a test runner's closing summary. */
export interface TestSummary {
  /** Which runner printed the summary. */
  framework: TestFramework;
  /** Tests that passed (pytest: including xpassed). */
  passed: number;
  /** Tests that failed (pytest: including errors). */
  failed: number;
  /** Tests skipped, pending or todo (pytest: including xfailed). */
  skipped: number;
  /** The runner's total, or passed + failed + skipped when it prints none. */
  total: number;
}

/** Longest error text kept in one test finding, before the feedback formatter bounds it again. */
const MAX_ERROR_LINES = 8;
const MAX_ERROR_CHARS = 800;

/** `Title: error text` for a failing test, with the error text kept short. */
export function testFailureMessage(title: string, errorLines: readonly string[]): string {
  const kept = errorLines
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, MAX_ERROR_LINES);
  let error = kept.join('\n');
  if (error.length > MAX_ERROR_CHARS) error = `${error.slice(0, MAX_ERROR_CHARS - 1)}…`;
  return error === '' ? title : `${title}: ${error}`;
}

/** `at fn (file:line:col)` or `at file:line:col` in a JavaScript stack trace. */
const STACK_FRAME = /^\s*at (?:.*? \()?((?:file:\/\/)?(?:[A-Za-z]:)?[^():]+):(\d+):(\d+)\)?\s*$/;

/** The first stack frame in user code (not Node internals, not node_modules), or undefined. */
export function firstUserFrame(lines: readonly string[]): { file: string; line: number; column: number } | undefined {
  for (const line of lines) {
    const frame = STACK_FRAME.exec(line);
    if (!frame) continue;
    const [, file = '', row = '0', column = '0'] = frame;
    if (
      file.startsWith('node:') ||
      file.startsWith('internal/') ||
      /[\\/]node_modules[\\/]|^node_modules[\\/]/.test(file)
    )
      continue;
    return { file, line: Number(row), column: Number(column) };
  }
  return undefined;
}

/** Whether a line is a JavaScript stack frame. */
export function isStackFrame(line: string): boolean {
  return /^\s*at \S/.test(line);
}

/**
 * A test finding: always major, because a failing test means the change does not work. Its key is
 * the test's name (with its file when the runner prints one), so it matches the same failing test in
 * another run whatever the error text or line.
 */
export function testFinding(name: string, message: string, location: string | undefined): Finding {
  const key = findingKey('test', name);
  return location === undefined
    ? { severity: 'major', category: 'test', message, key }
    : { severity: 'major', category: 'test', message, location, key };
}
