import picomatch from 'picomatch';
import { z } from 'zod';
import { denyCheckCandidates, matchCommandPattern, parseCommandPattern, splitCommand } from './commandRules';
import type { CommandPattern } from './commandRules';
import { HiddenPaths } from './hiddenPaths';
import { hardLinkProblemAt, PathRefusedError, resolveWorkspacePath } from './pathGuard';
import type { ResolvedPath } from './pathGuard';
import { parsePolicyRules, PATH_GLOB_OPTIONS } from './policyRules';
import type { PolicyEffect, PolicyRule } from './policyRules';
import { inlineCodeReason } from './inlineCode';
import { outsidePathArgument } from './commandPathArguments';
import { packageScriptOf, scriptText } from './packageScripts';
import type { PackageScriptsPort } from './packageScripts';
import { createProtectedPathMatcher, DEFAULT_PROTECTED_PATHS } from './protectedPaths';
import type { ProtectedPathMatcher } from './protectedPaths';
import { errorMessage } from '../common/errors';
import { lazySchema } from '../common/lazySchema';

/** Something an agent wants to do, as the policy sees it. */
export type PolicyAction =
  | { kind: 'tool'; tool: string }
  | { kind: 'read' | 'write'; tool: string; path: string }
  | { kind: 'command'; tool: string; command: string };

/** The verdict on one action. */
export interface PolicyDecision {
  /** allow: go ahead; ask: a human must approve this very action; deny: do not do it. */
  decision: PolicyEffect;
  /** Why, in words fit for the user and the agent. */
  reason: string;
  /** The rule that decided, when one did. */
  rule?: PolicyRule;
  /** Set for writes to protected paths: ask the human now, never reuse a remembered or blanket approval. */
  requiresFreshApproval?: boolean;
  /** For reads and writes that passed the path guard: do the I/O on this (`real`, or writeFileNoFollow). */
  resolvedPath?: ResolvedPath;
  /** Set when the path lies in a hidden folder: a listing must not even show it. */
  hidden?: boolean;
}

/** How to build an engine; the engine copies and freezes all of it. */
export interface PolicyEngineOptions {
  /** Workspace root; every path must stay inside its real path. */
  root: string;
  /** Rules in any order; they are validated again here and an invalid set makes every action deny. */
  rules: readonly PolicyRule[];
  /** Extra protected globs, added to DEFAULT_PROTECTED_PATHS (which cannot be removed). */
  protectedPaths?: readonly string[];
  /** Outcome when no rule matches; by default ask for writes and commands, allow for reads and plain tools. */
  defaultDecision?: PolicyEffect;
  /**
   * Package scripts as they were when the run started ({@link recordScripts}) and a way to read
   * them now: an allowed `npm test`/`npm run <name>` asks again when its script has changed, or
   * when it was never recorded. Without this, allowed package scripts always ask.
   */
  packageScripts?: { port: PackageScriptsPort; recorded: ReadonlyMap<string, string> };
  /** Folders (absolute) agents may never read, write, list or name in a command: the engine's state folder. */
  hiddenPaths?: readonly string[];
}

const ActionSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('tool'), tool: z.string().min(1) }),
    z.object({ kind: z.enum(['read', 'write']), tool: z.string().min(1), path: z.string().min(1) }),
    z.object({ kind: z.literal('command'), tool: z.string().min(1), command: z.string() }),
  ]),
);

type Matcher = (value: string) => boolean;

interface CompiledRule {
  rule: PolicyRule;
  index: number;
  tool: Matcher | undefined;
  path: Matcher | undefined;
  command: CommandPattern | undefined;
}

interface CompiledPolicy {
  byEffect: Record<PolicyEffect, CompiledRule[]>;
  isProtected: ProtectedPathMatcher;
}

/** Deny is checked first, then ask, then allow. */
const EFFECT_ORDER: readonly PolicyEffect[] = ['deny', 'ask', 'allow'];

/**
 * Decides whether an agent action may run. The engine is immutable: it keeps a deep-frozen copy of
 * its rules and never reads policy from the workspace, so nothing an agent writes or runs can change
 * its decisions; the host builds a new engine when the user changes the policy. Every failure inside
 * {@link PolicyEngine.evaluate} becomes a deny (fail closed).
 */
export class PolicyEngine {
  /** The rules as given, frozen. */
  readonly rules: readonly PolicyRule[];
  /** Protected globs in force (defaults plus extras), frozen. */
  readonly protectedPaths: readonly string[];
  /** Why the configuration is unusable, if it is; every action is then denied with this reason. */
  readonly configurationError: string | undefined;

  readonly #root: string;
  readonly #defaultDecision: PolicyEffect | undefined;
  readonly #compiled: CompiledPolicy | undefined;
  readonly #packageScripts: PolicyEngineOptions['packageScripts'];
  readonly #hidden: HiddenPaths;

  constructor(options: PolicyEngineOptions) {
    let rules: readonly PolicyRule[] = Object.freeze([]);
    let protectedPaths: readonly string[] = DEFAULT_PROTECTED_PATHS;
    let root = '';
    let defaultDecision: PolicyEffect | undefined;
    let compiled: CompiledPolicy | undefined;
    let configurationError: string | undefined;
    try {
      if (typeof options.root !== 'string' || options.root === '') throw new Error('root must be a non-empty path');
      root = options.root;
      const fallback: unknown = options.defaultDecision;
      if (fallback !== undefined && fallback !== 'deny' && fallback !== 'ask' && fallback !== 'allow') {
        throw new Error(`defaultDecision must be "deny", "ask" or "allow", got ${JSON.stringify(fallback)}`);
      }
      defaultDecision = fallback;
      // Copy before validating so later changes to the caller's objects cannot reach the engine.
      const validated = parsePolicyRules(options.rules.map((rule) => ({ ...rule })));
      rules = Object.freeze(validated.map((rule) => Object.freeze(rule)));
      protectedPaths = Object.freeze([...DEFAULT_PROTECTED_PATHS, ...(options.protectedPaths ?? [])]);
      compiled = compile(rules, protectedPaths);
    } catch (err) {
      configurationError = `the policy configuration is invalid, so every action is denied: ${errorMessage(err)}`;
      compiled = undefined;
    }
    this.rules = rules;
    this.protectedPaths = protectedPaths;
    this.configurationError = configurationError;
    this.#root = root;
    this.#defaultDecision = defaultDecision;
    this.#compiled = compiled;
    this.#packageScripts =
      options.packageScripts === undefined
        ? undefined
        : Object.freeze({ port: options.packageScripts.port, recorded: new Map(options.packageScripts.recorded) });
    this.#hidden = new HiddenPaths(root, [...(options.hiddenPaths ?? [])]);
  }

  /** Decides on one action; never throws, and any internal failure yields a deny that names the error. */
  async evaluate(action: PolicyAction): Promise<PolicyDecision> {
    try {
      return await this.#decide(action);
    } catch (err) {
      return { decision: 'deny', reason: `Denied because the policy check failed: ${errorMessage(err)}` };
    }
  }

  async #decide(input: PolicyAction): Promise<PolicyDecision> {
    if (this.#compiled === undefined) throw new Error(this.configurationError ?? 'the policy is not compiled');
    const parsed = ActionSchema.safeParse(input);
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'action'}: ${issue.message}`);
      return { decision: 'deny', reason: `Denied a malformed action (${details.join('; ')})` };
    }
    const action = parsed.data;
    switch (action.kind) {
      case 'tool':
        return this.#decideTool(this.#compiled, action.tool);
      case 'read':
      case 'write':
        return this.#decidePath(this.#compiled, action.kind, action.tool, action.path);
      case 'command':
        return this.#decideCommand(this.#compiled, action.tool, action.command);
    }
  }

  #decideTool(policy: CompiledPolicy, tool: string): PolicyDecision {
    for (const effect of EFFECT_ORDER) {
      const hit = policy.byEffect[effect].find(
        (c) => c.path === undefined && c.command === undefined && toolMatches(c, tool),
      );
      if (hit !== undefined) return fromRule(hit, `tool "${tool}"`);
    }
    // A tool from an MCP server runs someone else's code: it asks unless a rule allows it.
    return this.#fallback('tool', tool.startsWith('mcp__') ? 'ask' : 'allow', `tool "${tool}"`);
  }

  async #decidePath(
    policy: CompiledPolicy,
    kind: 'read' | 'write',
    tool: string,
    requested: string,
  ): Promise<PolicyDecision> {
    let resolved: ResolvedPath;
    try {
      resolved = await resolveWorkspacePath(this.#root, requested);
    } catch (err) {
      if (err instanceof PathRefusedError) return { decision: 'deny', reason: err.message };
      throw err;
    }
    const hidden = await this.#hidden.folderOf(resolved);
    if (hidden !== undefined) {
      const why = `it is inside ${hidden}, the orchestrator's own state folder, which agents may never read or change`;
      return { decision: 'deny', reason: `Denied ${kind} of ${describePath(resolved)}: ${why}`, hidden: true };
    }
    // A second name of `.env` has no real path that says so: hard links are refused like links out (checklist 34).
    const linked = await hardLinkProblemAt(resolved.real);
    if (linked !== undefined)
      return { decision: 'deny', reason: `Denied ${kind} of ${describePath(resolved)}: ${linked}` };
    // Rules see both spellings: deny and ask fire on either, allow must hold for both (a link into .env is not "src/**").
    const paths = [...new Set([resolved.relative, resolved.realRelative])];
    const subject = describePath(resolved);
    let decision: PolicyDecision | undefined;
    for (const effect of EFFECT_ORDER) {
      const hit = policy.byEffect[effect].find((c) => {
        if (c.command !== undefined || !toolMatches(c, tool)) return false;
        if (c.path === undefined) return true;
        const test = c.path;
        return effect === 'allow' ? paths.every((p) => test(p)) : paths.some((p) => test(p));
      });
      if (hit !== undefined) {
        decision = fromRule(hit, `${kind} of ${subject}`);
        break;
      }
    }
    decision ??= this.#fallback(kind, kind === 'write' ? 'ask' : 'allow', `${kind} of ${subject}`);

    if (kind === 'write' && decision.decision !== 'deny') {
      const glob = paths.map((p) => policy.isProtected(p)).find((g) => g !== undefined);
      if (glob !== undefined) {
        // An allow rule cannot vouch for a protected path; an ask rule still explains itself through `rule`.
        const askRule = decision.decision === 'ask' ? decision.rule : undefined;
        decision = {
          decision: 'ask',
          reason: `${subject} is protected (matches "${glob}"): edits to it always need a fresh approval`,
          requiresFreshApproval: true,
          ...(askRule === undefined ? {} : { rule: askRule }),
        };
      }
    }
    return { ...decision, resolvedPath: resolved };
  }

  async #decideCommand(policy: CompiledPolicy, tool: string, command: string): Promise<PolicyDecision> {
    const parsed = splitCommand(command);
    if (!parsed.parseable) {
      return {
        decision: 'deny',
        reason: `Denied: the command cannot be parsed safely (unbalanced quotes or substitution): ${quoteShort(command)}`,
      };
    }
    if (parsed.subcommands.length === 0) return { decision: 'deny', reason: 'Denied: the command is empty' };
    const inner = parsed.subcommands.flatMap((argv) => denyCheckCandidates(argv).candidates);
    const hidden = await this.#hidden.touchedBy([...parsed.subcommands, ...inner]);
    if (hidden !== undefined) {
      return {
        decision: 'deny',
        reason: `Denied: command ${quoteShort(command)} names ${quoteShort(hidden.word)}, which reaches ${hidden.folder}, the orchestrator's own state folder; agents may never read or change it`,
      };
    }

    for (const effect of ['deny', 'ask'] as const) {
      const rules = policy.byEffect[effect].filter((c) => c.path === undefined && toolMatches(c, tool));
      // Every sub-command is checked, however many there are: a long chain must not hide its tail.
      for (const argv of parsed.subcommands) {
        const { candidates, parseable } = denyCheckCandidates(argv);
        if (!parseable) {
          return {
            decision: 'deny',
            reason: `Denied: shell code passed to ${quoteShort(argv.join(' '))} cannot be parsed safely`,
          };
        }
        const hit = rules.find((c) => {
          const pattern = c.command;
          return pattern === undefined || candidates.some((candidate) => matchCommandPattern(pattern, candidate, true));
        });
        if (hit !== undefined) return fromRule(hit, `command ${quoteShort(argv.join(' '))}`);
      }
    }

    // Inline code and package runners outrank every allow rule (checklist 27).
    for (const argv of parsed.subcommands) {
      for (const candidate of denyCheckCandidates(argv).candidates) {
        const why = inlineCodeReason(candidate);
        if (why !== undefined) {
          return {
            decision: 'ask',
            reason: `Approval needed for command ${quoteShort(argv.join(' '))}: ${why}, so no rule can allow it`,
          };
        }
      }
    }

    const [only] = parsed.subcommands;
    const simple = !parsed.hasOperators && parsed.subcommands.length === 1 && only !== undefined;
    if (simple) {
      const hits = policy.byEffect.allow.filter(
        (c) =>
          c.path === undefined &&
          toolMatches(c, tool) &&
          (c.command === undefined || matchCommandPattern(c.command, only)),
      );
      let outside: string | undefined;
      for (const hit of hits) {
        // What the rule's `*` let the agent choose must not name a place outside the workspace (`ls *`, `ls ..`).
        const chosen = hit.command === undefined ? only.slice(1) : only.slice(hit.command.words.length);
        const problem = await outsidePathArgument(this.#root, chosen);
        if (problem !== undefined) {
          outside ??= problem;
          continue;
        }
        const changed = await this.#changedScript(only);
        if (changed !== undefined) return { decision: 'ask', reason: changed };
        return fromRule(hit, `command ${quoteShort(command)}`);
      }
      if (outside !== undefined)
        return { decision: 'ask', reason: `Approval needed for command ${quoteShort(command)}: ${outside}` };
    }
    const why = simple ? '' : ' (it uses shell operators, substitution or several lines, so allow rules do not apply)';
    return this.#fallback('command', 'ask', `command ${quoteShort(command)}${why}`);
  }

  /** Why an allowed package script must ask again (changed or never recorded), or undefined. */
  async #changedScript(argv: readonly string[]): Promise<string | undefined> {
    const name = packageScriptOf(argv);
    if (name === undefined) return undefined;
    const subject = `Approval needed for ${quoteShort(argv.join(' '))}: it runs the "${name}" script of package.json`;
    const guard = this.#packageScripts;
    const recorded = guard?.recorded.get(name);
    if (guard === undefined || recorded === undefined) {
      return `${subject}, which was not recorded when the run started, so an allow rule cannot vouch for it`;
    }
    const now = scriptText(await guard.port.scripts(), name);
    return now === recorded ? undefined : `${subject}, which has changed since the run started`;
  }

  #fallback(kind: PolicyAction['kind'], builtIn: PolicyEffect, subject: string): PolicyDecision {
    const decision = this.#defaultDecision ?? builtIn;
    return { decision, reason: `No rule matched the ${subject}; the default for ${kind} actions is ${decision}` };
  }
}

function compile(rules: readonly PolicyRule[], protectedPaths: readonly string[]): CompiledPolicy {
  const byEffect: Record<PolicyEffect, CompiledRule[]> = { deny: [], ask: [], allow: [] };
  rules.forEach((rule, index) => {
    // Deny and ask ignore case so a case-insensitive file system cannot dodge them; allow stays exact.
    const nocase = rule.effect !== 'allow';
    byEffect[rule.effect].push({
      rule,
      index,
      tool: rule.tool === undefined ? undefined : picomatch(rule.tool, { dot: true, nocase }),
      path: rule.path === undefined ? undefined : picomatch(rule.path, { ...PATH_GLOB_OPTIONS, nocase }),
      command: rule.command === undefined ? undefined : parseCommandPattern(rule.command),
    });
  });
  return { byEffect, isProtected: createProtectedPathMatcher(protectedPaths) };
}

function toolMatches(compiled: CompiledRule, tool: string): boolean {
  return compiled.tool === undefined || compiled.tool(tool);
}

function fromRule(compiled: CompiledRule, subject: string): PolicyDecision {
  const { rule, index } = compiled;
  const verb = { deny: 'Denied', ask: 'Approval needed for', allow: 'Allowed' }[rule.effect];
  const fields = (['tool', 'path', 'command'] as const)
    .filter((field) => rule[field] !== undefined)
    .map((field) => `${field} "${rule[field] ?? ''}"`)
    .join(', ');
  const because = rule.reason === undefined || rule.reason === '' ? '' : `: ${rule.reason}`;
  return { decision: rule.effect, reason: `${verb} ${subject} by rule ${index} (${fields})${because}`, rule };
}

function describePath(resolved: ResolvedPath): string {
  return resolved.relative === resolved.realRelative
    ? `"${resolved.relative}"`
    : `"${resolved.relative}" (really "${resolved.realRelative}")`;
}

function quoteShort(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
