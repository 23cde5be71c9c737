import type { Finding } from '../model/finding';
import type { ParseOptions } from './findingLocation';
import { parseJest, summariseJest } from './jestParser';
import { parseMocha, summariseMocha } from './mochaParser';
import { parsePytest, summarisePytest } from './pytestParser';
import type { TestSummary } from './testSummary';

/**
 * Failing tests from mocha, Jest or pytest output, one major test finding each. The three formats
 * do not overlap (mocha's numbered blocks after "N failing", Jest's `●` blocks, pytest's `FAILED`
 * lines), so all three readers run and their findings are joined: `npm test` may run any of them.
 */
export function parseTestSummary(output: string, options: ParseOptions = {}): Finding[] {
  return [...parseMocha(output, options), ...parseJest(output, options), ...parsePytest(output, options)];
}

/** Pass/fail/skip counts from the first mocha, Jest or pytest summary found, or undefined. */
export function summariseTests(output: string): TestSummary | undefined {
  return summariseMocha(output) ?? summariseJest(output) ?? summarisePytest(output);
}
