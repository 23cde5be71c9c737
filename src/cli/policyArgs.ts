// `--policy FILE`, `--allow-command`, `--ask-command`, `--deny-command`, `--ask-path`, `--deny-path`,
// `--max-attempts`, `--backoff-base-ms`, `--backoff-max-ms`, `--log-level` and `--verbose`: the user's
// policy rules, retry policy and log level. Each problem is a UsageError that says what to give instead.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../core/common/errors';
import { MAX_BACKOFF_MS, MAX_RETRY_ATTEMPTS, retrySettingsProblem } from '../core/execute/retryPolicy';
import type { RetrySettings } from '../core/execute/retryPolicy';
import type { LogLevel } from '../core/model/runEvents';
import { parsePolicyRules, PolicyRulesError, type PolicyRule } from '../core/policy/policyRules';
import { UsageError } from './usageError';
import { wholeNumber } from './valueArgs';

/** The flags this file reads, as `parseArgs` hands them over. */
export interface PolicyFlagValues {
  policy?: string;
  'allow-command'?: string[];
  'ask-command'?: string[];
  'deny-command'?: string[];
  'ask-path'?: string[];
  'deny-path'?: string[];
  'max-attempts'?: string;
  'backoff-base-ms'?: string;
  'backoff-max-ms'?: string;
  'log-level'?: string;
  verbose?: boolean;
}

const RULE_EXAMPLE = '[{"effect": "allow", "command": "npm test"}, {"effect": "deny", "path": "secrets/**"}]';

/**
 * The rules of `--policy FILE` (a JSON list, the shape of the `agentOrchestrator.policy.rules`
 * setting), then one rule per `--allow-command`, `--ask-command`, `--deny-command`, `--ask-path`
 * and `--deny-path`; undefined when none was given. One bad rule refuses the whole command line.
 */
export function policyRuleArgs(values: PolicyFlagValues, cwd: string): PolicyRule[] | undefined {
  const rules: unknown[] = values.policy === undefined ? [] : readPolicyFile(path.resolve(cwd, values.policy));
  const flags: [keyof PolicyFlagValues, PolicyRule['effect'], 'command' | 'path'][] = [
    ['allow-command', 'allow', 'command'],
    ['ask-command', 'ask', 'command'],
    ['deny-command', 'deny', 'command'],
    ['ask-path', 'ask', 'path'],
    ['deny-path', 'deny', 'path'],
  ];
  for (const [flag, effect, field] of flags) {
    for (const value of (values[flag] as string[] | undefined) ?? []) {
      const rule = { effect, [field]: value.trim(), reason: `--${flag} on the command line` };
      try {
        parsePolicyRules([rule]);
      } catch (err) {
        if (!(err instanceof PolicyRulesError)) throw err;
        const why = err.issues.map((i) => i.message).join('; ');
        const example =
          field === 'command' ? `--${flag} "npm test" or --${flag} "git diff *"` : `--${flag} "secrets/**"`;
        throw new UsageError(`--${flag} "${value}" is not usable (${why}); e.g. ${example}.`);
      }
      rules.push(rule);
    }
  }
  return values.policy === undefined && rules.length === 0 ? undefined : parsePolicyRules(rules);
}

function readPolicyFile(file: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(
      `The policy file ${file} cannot be read as JSON (${errorMessage(err)}); give a JSON list of rules, e.g. ${RULE_EXAMPLE}.`,
    );
  }
  try {
    return parsePolicyRules(json);
  } catch (err) {
    if (!(err instanceof PolicyRulesError)) throw err;
    throw new UsageError(
      `The policy file ${file} has invalid rules; nothing was started.\n${err.message}\nWrite a JSON list such as ${RULE_EXAMPLE}.`,
    );
  }
}

/** `--max-attempts`, `--backoff-base-ms`, `--backoff-max-ms`; undefined when none was given. */
export function retryArgs(values: PolicyFlagValues): RetrySettings | undefined {
  const out: RetrySettings = {};
  if (values['max-attempts'] !== undefined) {
    out.maxAttempts = wholeNumber('--max-attempts', values['max-attempts'], MAX_RETRY_ATTEMPTS);
  }
  if (values['backoff-base-ms'] !== undefined)
    out.baseDelayMs = wholeNumber('--backoff-base-ms', values['backoff-base-ms'], MAX_BACKOFF_MS, 0);
  if (values['backoff-max-ms'] !== undefined)
    out.maxDelayMs = wholeNumber('--backoff-max-ms', values['backoff-max-ms'], MAX_BACKOFF_MS, 0);
  if (Object.keys(out).length === 0) return undefined;
  const problem = retrySettingsProblem(out);
  if (problem !== undefined)
    throw new UsageError(`The retry flags disagree: ${problem} (--backoff-base-ms, --backoff-max-ms).`);
  return out;
}

/** `--log-level LEVEL` or `--verbose` (debug); undefined when neither was given. */
export function logLevelArg(values: PolicyFlagValues): LogLevel | undefined {
  const level = values['log-level']?.trim().toLowerCase();
  if (values.verbose && level !== undefined && level !== 'debug')
    throw new UsageError(`--verbose means --log-level debug, which contradicts --log-level ${level}; give one.`);
  if (values.verbose) return 'debug';
  if (level === undefined) return undefined;
  if (level === 'error' || level === 'warn' || level === 'info' || level === 'debug') return level;
  throw new UsageError(
    `--log-level "${values['log-level']}" is not a level; use error, warn, info or debug (--verbose is debug).`,
  );
}
