import { z } from 'zod';
import type { Finding, Severity } from '../model/finding';
import { findingKey } from './findingKey';
import { findingLocation, relativePath } from './findingLocation';
import type { ParseOptions } from './findingLocation';
import { outputLines, stripAnsi } from './outputLines';
import { lazySchema } from '../common/lazySchema';

// Severity choice: an ESLint *error* is a medium lint finding and a *warning* a minor one. Lint
// rules are style and likely-bug hints, not proof that the build or tests are broken, so the
// default thresholds (fail on any major) do not fail a run over lint; a project that wants lint
// errors to gate sets `failOn.medium: 0`. The one exception is a fatal parsing error ("Parsing
// error: …", `fatal: true` in JSON): the file does not parse at all, so it is major.

/** One message of `eslint --format json`; fields we do not use are allowed and ignored. */
const EslintMessageSchema = lazySchema(() =>
  z.looseObject({
    ruleId: z.string().nullable().optional(),
    severity: z.number(),
    message: z.string(),
    line: z.number().optional(),
    column: z.number().optional(),
    fatal: z.boolean().optional(),
  }),
);

/** One file's result in `eslint --format json`. */
const EslintFileResultSchema = lazySchema(() =>
  z.looseObject({
    filePath: z.string(),
    messages: z.array(EslintMessageSchema),
  }),
);

/** `  12:5  error  message  rule-id` under a file header in the stylish formatter. */
const STYLISH_MESSAGE = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*?)\s*$/;
/** A rule id at the end of a stylish line, two or more spaces after the message. */
const STYLISH_RULE = /^(.*?)\s{2,}((?:@[\w.-]+\/)?[\w.-]+(?:\/[\w.-]+)*)$/;
/** Stylish's closing lines: "✖ 9 problems (6 errors, 3 warnings)" and the `--fix` hint. */
const STYLISH_SUMMARY = /^\s*[✖×]\s+\d+ problems?\b|potentially fixable with the `--fix` option/;

/**
 * Findings from ESLint output in either the default "stylish" format or `--format json`
 * (detected from the output). Locations are `file:line:col`, relative to `cwd` when given.
 */
export function parseEslint(output: string, options: ParseOptions = {}): Finding[] {
  return parseEslintJson(output, options) ?? parseEslintStylish(output, options);
}

/** Findings from `eslint --format json`, or undefined when the output holds no such JSON. */
export function parseEslintJson(output: string, options: ParseOptions = {}): Finding[] | undefined {
  const text = stripAnsi(output);
  const start = text.search(/^\s*\[\s*(?:\{\s*"filePath"|\])/m);
  if (start === -1) return undefined;
  const end = text.lastIndexOf(']');
  let data: unknown;
  try {
    data = JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const parsed = z.array(EslintFileResultSchema).safeParse(data);
  if (!parsed.success) return undefined;
  const findings: Finding[] = [];
  for (const result of parsed.data) {
    for (const message of result.messages) {
      findings.push(
        lintFinding(
          result.filePath,
          message.line,
          message.column,
          message.severity >= 2 ? 'error' : 'warning',
          message.message,
          message.ruleId ?? undefined,
          message.fatal === true,
          options,
        ),
      );
    }
  }
  return findings;
}

/** Findings from ESLint's default stylish formatter: a file header, then indented messages. */
export function parseEslintStylish(output: string, options: ParseOptions = {}): Finding[] {
  const findings: Finding[] = [];
  let file: string | undefined;
  for (const line of outputLines(output)) {
    if (line.trim() === '' || STYLISH_SUMMARY.test(line)) continue;
    const message = STYLISH_MESSAGE.exec(line);
    if (message && file !== undefined) {
      const [, row = '0', column = '0', level = 'error', rest = ''] = message;
      const withRule = STYLISH_RULE.exec(rest);
      const text = withRule ? (withRule[1] ?? rest) : rest;
      const fatal = text.startsWith('Parsing error:');
      findings.push(lintFinding(file, Number(row), Number(column), level, text, withRule?.[2], fatal, options));
    } else if (!/^\s/.test(line)) {
      file = line.trim();
    }
  }
  return findings;
}

function lintFinding(
  file: string,
  line: number | undefined,
  column: number | undefined,
  level: string,
  text: string,
  ruleId: string | undefined,
  fatal: boolean,
  options: ParseOptions,
): Finding {
  const severity: Severity = fatal ? 'major' : level === 'error' ? 'medium' : 'minor';
  const message = ruleId === undefined || ruleId === '' ? text.trim() : `${text.trim()} (${ruleId})`;
  return {
    severity,
    category: 'lint',
    message,
    location: findingLocation(file, line, column, options.cwd),
    key: findingKey('eslint', relativePath(file, options.cwd), ruleId ?? '', text.trim()),
  };
}
