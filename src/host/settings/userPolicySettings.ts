// The settings that decide what runs without asking and how failures are retried and logged:
// `policy.rules`, `retry.*` and `logLevel`. Each bad value or entry is dropped with a sentence
// that names it and says what to write instead.
import type { RetrySettings } from '../../core/execute/retryPolicy';
import {
  DEFAULT_RETRY_POLICY,
  MAX_BACKOFF_MS,
  MAX_RETRY_ATTEMPTS,
  retrySettingsProblem,
} from '../../core/execute/retryPolicy';
import type { LogLevel } from '../../core/model/runEvents';
import { parsePolicyRules, PolicyRulesError, type PolicyRule } from '../../core/policy/policyRules';
import { show } from './settingValues';

/** The log levels, most detailed first. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** An example rule for messages, in the one shape settings, `--policy FILE` and the engine share. */
const RULE_EXAMPLE = '{"effect": "allow", "command": "npm test"} or {"effect": "deny", "path": "secrets/**"}';

/**
 * The policy rules: every valid entry of the user's list, then the valid `deny` and `ask` entries of
 * the workspace and folder lists (trusted workspaces only; see `policyRuleLayers`). A workspace
 * `allow` is dropped with a problem: a workspace may only tighten the policy, since its settings
 * file is one an agent's command could write.
 */
export function policyRulesSetting(
  name: string,
  user: unknown,
  workspace: readonly unknown[],
  problems: string[],
): PolicyRule[] {
  const rules = ruleEntries(name, 'user', user, problems);
  for (const value of workspace) {
    for (const rule of ruleEntries(name, 'workspace', value, problems)) {
      if (rule.effect === 'allow') {
        problems.push(
          `${name}: the workspace rule ${show(rule)} is ignored: workspace settings may only add "deny" or "ask" rules; put "allow" rules in your user settings.`,
        );
      } else rules.push({ ...rule, reason: rule.reason ?? 'a rule in the workspace settings' });
    }
  }
  return rules;
}

function ruleEntries(name: string, level: 'user' | 'workspace', value: unknown, problems: string[]): PolicyRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(
      `${name} (${level} settings) must be a list of rules such as ${RULE_EXAMPLE} (got ${show(value)}); it is ignored.`,
    );
    return [];
  }
  const rules: PolicyRule[] = [];
  value.forEach((entry: unknown, index) => {
    try {
      rules.push(...parsePolicyRules([entry]));
    } catch (err) {
      if (!(err instanceof PolicyRulesError)) throw err;
      const why = err.issues.map((i) => `${i.field === undefined ? '' : `${i.field}: `}${i.message}`).join('; ');
      problems.push(
        `${name}[${index}] (${level} settings) ${show(entry)} is not a valid rule (${why}); it is ignored.`,
      );
    }
  });
  return rules;
}

/** The retry settings package.json declares as defaults: the engine's. */
export const DEFAULT_RETRY_SETTINGS: Readonly<Required<RetrySettings>> = Object.freeze({
  maxAttempts: DEFAULT_RETRY_POLICY.maxAttemptsPerTask,
  baseDelayMs: DEFAULT_RETRY_POLICY.baseDelayMs,
  maxDelayMs: DEFAULT_RETRY_POLICY.maxDelayMs,
});

/** `retry.maxAttempts`, `retry.baseDelayMs`, `retry.maxDelayMs`: each bad value falls back to its default. */
export function retrySetting(
  names: Record<keyof RetrySettings, string>,
  values: Record<keyof RetrySettings, unknown>,
  problems: string[],
): Required<RetrySettings> {
  const limits: Record<keyof RetrySettings, [number, number, string]> = {
    maxAttempts: [1, MAX_RETRY_ATTEMPTS, 'a whole number of attempts per task'],
    baseDelayMs: [0, MAX_BACKOFF_MS, 'a whole number of milliseconds'],
    maxDelayMs: [0, MAX_BACKOFF_MS, 'a whole number of milliseconds'],
  };
  const out: Required<RetrySettings> = { ...DEFAULT_RETRY_SETTINGS };
  for (const key of Object.keys(limits) as (keyof RetrySettings)[]) {
    const value = values[key];
    if (value === undefined || value === null) continue;
    const [min, max, what] = limits[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) out[key] = value;
    else problems.push(`${names[key]} must be ${what} from ${min} to ${max} (got ${show(value)}); using the default.`);
  }
  const clash = retrySettingsProblem(out);
  if (clash !== undefined) {
    problems.push(`${names.baseDelayMs} and ${names.maxDelayMs} disagree: ${clash}; using the default backoff.`);
    out.baseDelayMs = DEFAULT_RETRY_SETTINGS.baseDelayMs;
    out.maxDelayMs = DEFAULT_RETRY_SETTINGS.maxDelayMs;
  }
  return out;
}

/** `logLevel`: one of {@link LOG_LEVELS}, else `info` with a problem. */
export function logLevelSetting(name: string, value: unknown, problems: string[]): LogLevel {
  if (value === undefined || value === null) return 'info';
  const level = LOG_LEVELS.find((l) => l === value);
  if (level !== undefined) return level;
  problems.push(`${name} must be "debug", "info", "warn" or "error" (got ${show(value)}); using "info".`);
  return 'info';
}
