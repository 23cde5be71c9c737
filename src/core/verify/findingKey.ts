import type { Finding } from '../model/finding';
import { comparableText } from './comparableText';

/**
 * A finding key from its parts, e.g. `findingKey('eslint', 'src/a.ts', 'no-unused-vars', 'x is never used')`:
 * the parts joined and made comparable (timings, temp paths and line numbers removed).
 */
export function findingKey(tool: string, ...parts: readonly string[]): string {
  return comparableText([tool, ...parts].join(' | '));
}

/** The file of a `file:line[:col]` location, or undefined. */
export function fileOfLocation(location: string | undefined): string | undefined {
  if (location === undefined || location === '') return undefined;
  return location.replace(/(?::\d+){1,2}$/, '');
}

/**
 * The key a finding is compared by: its own (set by the parser that found it), else its category,
 * file and the first line of its message (runner problems, timeouts, findings of other sources).
 */
export function keyOfFinding(finding: Finding): string {
  if (finding.key !== undefined && finding.key !== '') return finding.key;
  const firstLine = finding.message.split(/\r?\n/, 1)[0] ?? '';
  return findingKey(finding.category, fileOfLocation(finding.location) ?? '', firstLine);
}
