import type { Finding } from '../model/finding';
import { findingLocation, relativePath } from './findingLocation';
import type { ParseOptions } from './findingLocation';
import { outputLines } from './outputLines';
import { testFinding } from './testSummary';
import type { TestSummary } from './testSummary';

/** `FAILED tests/test_x.py::test_y - AssertionError: …` in the short test summary. */
const SHORT_SUMMARY = /^(FAILED|ERROR) (\S.*?)(?: - (.*?))?\s*$/;
/** `=== 2 failed, 3 passed in 0.12s ===`, or the same without the rules under `-q`. */
const FINAL_LINE = /^(?:=+ )?((?:\d+ \w+(?:, )?)+|no tests ran) in [\d.]+s(?: \([^)]*\))?(?: =+)?\s*$/;
/** `____ test_name ____`: a section of the FAILURES or ERRORS report. */
const SECTION_HEADER = /^_{3,} (.+?) _{3,}\s*$/;
/** `tests/test_x.py:14: AssertionError` (long traceback) or `…:14: in test_y` (short). */
const TRACEBACK_LOCATION = /^((?:[A-Za-z]:)?[^:\s][^:]*?\.py):(\d+): /;
/** Lines that end the FAILURES/ERRORS report. */
const REPORT_END = /^=+ (?:short test summary info|warnings summary|.*\bin [\d.]+s\b.*) =+\s*$/;

/** Counts from pytest's final line ("2 failed, 3 passed, 1 skipped, 1 error in 0.31s"). */
export function summarisePytest(output: string): TestSummary | undefined {
  let counts: string | undefined;
  for (const line of outputLines(output)) counts = FINAL_LINE.exec(line.trim())?.[1] ?? counts;
  if (counts === undefined) return undefined;
  const count = (word: string): number => Number(new RegExp(`(\\d+) ${word}\\b`).exec(counts)?.[1] ?? 0);
  const passed = count('passed') + count('xpassed');
  const failed = count('failed') + count('errors?');
  const skipped = count('skipped') + count('xfailed');
  return { framework: 'pytest', passed, failed, skipped, total: passed + failed + skipped };
}

/**
 * One major test finding per `FAILED`/`ERROR` line of pytest's short test summary, named by its
 * test id; the line comes from the matching section of the FAILURES/ERRORS report (the
 * traceback's last `file.py:line:` in the test's file). Without a short summary (`-rN`), the
 * report's sections are used instead.
 */
export function parsePytest(output: string, options: ParseOptions = {}): Finding[] {
  const lines = outputLines(output);
  const sections = reportSections(lines);
  const findings: Finding[] = [];
  for (const line of lines) {
    const summary = SHORT_SUMMARY.exec(line);
    if (!summary) continue;
    const [, outcome = 'FAILED', nodeId = '', reason] = summary;
    const [file = nodeId, ...names] = nodeId.split('::');
    const testName = names.length > 0 ? names.join('::') : file;
    const sectionKey = names.length > 0 ? names.join('.') : file;
    const where = pickLocation(sections.get(sectionKey) ?? [], file, options);
    const label = outcome === 'ERROR' ? `${testName} (error)` : testName;
    findings.push(
      testFinding(
        outcome === 'ERROR' ? `${nodeId} (error)` : nodeId,
        reason === undefined ? label : `${label}: ${reason}`,
        where ?? findingLocation(file, undefined, undefined, options.cwd),
      ),
    );
  }
  if (findings.length > 0) return findings;
  for (const [name, locations] of sections) {
    findings.push(testFinding(name, name, pickLocation(locations, undefined, options)));
  }
  return findings;
}

/** Traceback locations by section key: the test name, or the file for a collection error. */
function reportSections(lines: readonly string[]): Map<string, Array<{ file: string; line: number }>> {
  const sections = new Map<string, Array<{ file: string; line: number }>>();
  let current: Array<{ file: string; line: number }> | undefined;
  for (const line of lines) {
    if (REPORT_END.test(line)) {
      current = undefined;
      continue;
    }
    const header = SECTION_HEADER.exec(line);
    if (header) {
      const title = (header[1] ?? '')
        .replace(/^ERROR at (?:setup|teardown|call) of /, '')
        .replace(/^ERROR collecting /, '');
      current = [];
      sections.set(title, current);
      continue;
    }
    const location = TRACEBACK_LOCATION.exec(line);
    if (current && location) current.push({ file: location[1] ?? '', line: Number(location[2]) });
  }
  return sections;
}

/** The last traceback location in the test's own file, else the last one at all. */
function pickLocation(
  locations: ReadonlyArray<{ file: string; line: number }>,
  testFile: string | undefined,
  options: ParseOptions,
): string | undefined {
  const inTestFile =
    testFile === undefined
      ? []
      : locations.filter((entry) => relativePath(entry.file, options.cwd) === relativePath(testFile, options.cwd));
  const chosen = inTestFile[inTestFile.length - 1] ?? locations[locations.length - 1];
  return chosen === undefined ? undefined : findingLocation(chosen.file, chosen.line, undefined, options.cwd);
}
