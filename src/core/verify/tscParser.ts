import type { Finding, Severity } from '../model/finding';
import { findingKey } from './findingKey';
import { findingLocation, relativePath } from './findingLocation';
import type { ParseOptions } from './findingLocation';
import { outputLines } from './outputLines';

/** `src/a.ts(12,5): error TS2322: …`, what `tsc --pretty false` and non-TTY runs print. */
const PLAIN = /^(\S.*?)\((\d+),(\d+)\): (error|warning|suggestion|message) (TS\d+): (.*)$/;
/** `src/a.ts:12:5 - error TS2322: …`, the `--pretty` form (colours already stripped). */
const PRETTY = /^(\S.*?):(\d+):(\d+) - (error|warning|suggestion|message) (TS\d+): (.*)$/;
/** `error TS5058: …`, a diagnostic with no file (bad options, missing project). */
const GLOBAL = /^(error|warning|suggestion|message) (TS\d+): (.*)$/;

/** At most this many elaboration lines are kept under a diagnostic's first line. */
const MAX_DETAIL_LINES = 6;

/**
 * Findings from TypeScript compiler output, plain or `--pretty`: errors are major build findings,
 * warnings medium, suggestions and messages minor. Indented elaboration lines ("The types of … are
 * incompatible") directly under a diagnostic are kept in its message; code frames are not.
 */
export function parseTsc(output: string, options: ParseOptions = {}): Finding[] {
  const lines = outputLines(output);
  const findings: Finding[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const located = PLAIN.exec(line) ?? PRETTY.exec(line);
    const global = located ? null : GLOBAL.exec(line);
    if (!located && !global) continue;
    const details: string[] = [];
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1] ?? '') && details.length < MAX_DETAIL_LINES) {
      details.push((lines[i + 1] ?? '').trim());
      i++;
    }
    if (located) {
      const [, file = '', row = '0', column = '0', category = 'error', code = '', text = ''] = located;
      findings.push({
        severity: severityOf(category),
        category: 'build',
        message: [`${code}: ${text}`, ...details].join('\n'),
        location: findingLocation(file, Number(row), Number(column), options.cwd),
        key: findingKey('tsc', relativePath(file, options.cwd), code, text),
      });
    } else if (global) {
      const [, category = 'error', code = '', text = ''] = global;
      findings.push({
        severity: severityOf(category),
        category: 'build',
        message: [`${code}: ${text}`, ...details].join('\n'),
        key: findingKey('tsc', code, text),
      });
    }
  }
  return findings;
}

function severityOf(category: string): Severity {
  if (category === 'error') return 'major';
  if (category === 'warning') return 'medium';
  return 'minor';
}
