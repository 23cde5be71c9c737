import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The directory the captured tool outputs were produced in (tsc, eslint, mocha). */
export const CAPTURE_CWD = '/tmp/acme-app';
/** Where the Vitest outputs were captured (vitest 3.2.7, `CI=true npx vitest run`, NO_COLOR and FORCE_COLOR). */
export const VITEST_CWD = '/tmp/vitest-fixture';
/** Where the node:test outputs were captured (Node 20.20.2, `node --test` (TAP when piped) and `--test-reporter=spec`). */
export const NODE_TEST_CWD = '/tmp/nodetest-fixture';

/** Reads one captured tool output from test/fixtures/verify, bytes unchanged (ANSI, CRLF kept). */
export function readFixture(name: string): string {
  return readFileSync(join(__dirname, '..', '..', 'fixtures', 'verify', name), 'utf8');
}

/** The same text with every LF turned into CRLF, as Windows tools print it. */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * Findings without their `key`, for tests about what a parser reads (severity, message, location);
 * the keys are asserted on their own in findingKeys.test.ts.
 */
export function withoutKeys<T>(findings: T): T {
  if (Array.isArray(findings)) return findings.map((f) => withoutKeys(f)) as T;
  if (findings === null || typeof findings !== 'object') return findings;
  const { key: _key, ...rest } = findings as Record<string, unknown>;
  return rest as T;
}
