import type { Finding } from '../model/finding';
import type { ParseOptions } from './findingLocation';
import { parseJest, summariseJest } from './jestParser';
import { parseMocha, summariseMocha } from './mochaParser';
import { parseNodeTest, summariseNodeTest } from './nodeTestParser';
import { parsePytest, summarisePytest } from './pytestParser';
import type { TestSummary } from './testSummary';
import { parseVitest, summariseVitest } from './vitestParser';

/**
 * Failing tests from mocha, Jest, Vitest, node's test runner (TAP or spec) or pytest output, one
 * major test finding each. The formats do not overlap (mocha's numbered blocks after "N failing",
 * Jest's `●` blocks, Vitest's `FAIL file > test` report, node's `not ok`/`✖` lines, pytest's
 * `FAILED` lines), so every reader runs and their findings are joined: `npm test` may run any of them.
 */
export function parseTestSummary(output: string, options: ParseOptions = {}): Finding[] {
  return [
    ...parseMocha(output, options),
    ...parseJest(output, options),
    ...parseVitest(output, options),
    ...parseNodeTest(output, options),
    ...parsePytest(output, options),
  ];
}

/** Pass/fail/skip counts from the first mocha, Jest, Vitest, node or pytest summary found, or undefined. */
export function summariseTests(output: string): TestSummary | undefined {
  return (
    summariseMocha(output) ??
    summariseJest(output) ??
    summariseVitest(output) ??
    summariseNodeTest(output) ??
    summarisePytest(output)
  );
}
