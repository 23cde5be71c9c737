import picomatch from 'picomatch';
import { z } from 'zod';
import { parseCommandPattern } from './commandRules';
import { errorMessage } from '../common/errors';
import { lazySchema } from '../common/lazySchema';

/** Picomatch options for rule path globs: dotfiles match, because `.env` and `.git` are what rules are for. */
export const PATH_GLOB_OPTIONS = Object.freeze({ dot: true });

/** A glob picomatch can compile, or the reason it cannot. */
function globProblem(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob, PATH_GLOB_OPTIONS);
    return undefined;
  } catch (err) {
    return `not a valid glob: ${errorMessage(err)}`;
  }
}

/** One policy rule; a rule applies when every field it sets matches the action. */
export const PolicyRuleSchema = lazySchema(() =>
  z
    .strictObject({
      /** What happens when the rule matches; deny beats ask beats allow. */
      effect: z.enum(['deny', 'ask', 'allow'], { error: 'effect must be "deny", "ask" or "allow"' }),
      /** Glob over tool names, e.g. "fs.*". */
      tool: z.string().min(1, 'tool must not be empty').optional(),
      /** Glob over workspace-relative posix paths, e.g. "src/**". */
      path: z.string().min(1, 'path must not be empty').optional(),
      /** Command pattern: leading words, optionally ending in "*", e.g. "npm run *". */
      command: z.string().min(1, 'command must not be empty').optional(),
      /** Shown to the user when the rule decides. */
      reason: z.string().optional(),
    })
    .superRefine((rule, ctx) => {
      if (rule.tool === undefined && rule.path === undefined && rule.command === undefined) {
        ctx.addIssue({ code: 'custom', path: [], message: 'a rule needs at least one of "tool", "path" or "command"' });
      }
      if (rule.path !== undefined && rule.command !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['command'],
          message: 'a rule cannot set both "path" and "command": commands carry no path, so it would never match',
        });
      }
      if (rule.tool !== undefined && rule.tool !== '') {
        const problem = globProblem(rule.tool);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['tool'], message: problem });
      }
      if (rule.path !== undefined && rule.path !== '') {
        const problem = pathGlobProblem(rule.path);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: problem });
      }
      if (rule.command !== undefined && rule.command !== '') {
        try {
          parseCommandPattern(rule.command);
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['command'], message: errorMessage(err) });
        }
      }
    }),
);

/** A validated policy rule. */
export type PolicyRule = z.output<typeof PolicyRuleSchema>;

/** The outcome a rule asks for. */
export type PolicyEffect = PolicyRule['effect'];

/** One problem in one rule, located by its index in the list and the field at fault. */
export interface PolicyRuleIssue {
  /** Index of the rule in the list, or undefined when the list itself is wrong. */
  index: number | undefined;
  /** The field at fault, or undefined when the rule as a whole is wrong. */
  field: string | undefined;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Thrown by {@link parsePolicyRules}; the message lists every bad rule by index and field. */
export class PolicyRulesError extends Error {
  /** Every problem found, in input order. */
  readonly issues: readonly PolicyRuleIssue[];

  constructor(issues: readonly PolicyRuleIssue[]) {
    const lines = issues.map((issue) => {
      const where = issue.index === undefined ? 'rules' : `rule ${issue.index}`;
      return `  ${where}${issue.field === undefined ? '' : ` (${issue.field})`}: ${issue.message}`;
    });
    super(`Invalid policy rules:\n${lines.join('\n')}`);
    this.name = 'PolicyRulesError';
    this.issues = issues;
  }
}

/** Validates a list of rules from configuration; throws a {@link PolicyRulesError} naming each bad rule and field. */
export function parsePolicyRules(input: unknown): PolicyRule[] {
  if (!Array.isArray(input)) {
    throw new PolicyRulesError([
      { index: undefined, field: undefined, message: `policy rules must be an array, got ${describe(input)}` },
    ]);
  }
  const result = z.array(PolicyRuleSchema).safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue): PolicyRuleIssue => {
    const [index, field] = issue.path;
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
    const message =
      unknownKeys === undefined
        ? issue.message
        : `unknown field(s) ${unknownKeys}; allowed are effect, tool, path, command, reason`;
    return {
      index: typeof index === 'number' ? index : undefined,
      field: typeof field === 'string' ? field : unknownKeys,
      message,
    };
  });
  throw new PolicyRulesError(issues);
}

/** Why a path glob cannot match workspace-relative paths, or undefined when it is fine. */
function pathGlobProblem(glob: string): string | undefined {
  if (glob.startsWith('/') || /^[A-Za-z]:/.test(glob) || glob.startsWith('\\')) {
    return 'a path glob is matched against workspace-relative paths, so it must not start with "/" or a drive letter';
  }
  if (glob.split('/').includes('..'))
    return 'a path glob must not contain ".." (paths outside the workspace are always refused)';
  return globProblem(glob);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return typeof value;
}
