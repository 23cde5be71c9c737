import * as path from 'node:path';
import { MAX_COMMAND_OUTPUT_KIB, MAX_COMMAND_SECONDS, type CommandLimits } from './cliRunOptions';
import { parseArgs } from 'node:util';
import { MAX_CONCURRENCY, MAX_REPAIR_ATTEMPTS } from '../core/engine/engineSettings';
import { BUILTIN_PROVIDERS } from '../core/llm/builtinProviders';
import type { ProviderTable } from '../core/llm/providerTable';
import { isSafeRunId } from '../core/store/runLayout';
import { COMMANDS, PLAN_TO_STDOUT, type CliCommand, type CommandName, type RunArgs } from './cliCommand';
import { UsageError } from './usageError';
import { mcpApprove } from './mcpArgs';
import { parseTaskAction, type TaskAction } from '../core/run/taskActions';
import { errorMessage } from '../core/common/errors';

import { limitArg, thresholdArgs } from './limitArgs';
import { priceArgs } from './priceArgs';
import { EXAMPLES, WHY_NOT } from './cliOptionHints';
import { logLevelArg, policyRuleArgs, retryArgs } from './policyArgs';
import {
  approveArg,
  baseUrlArg,
  budgetArgs,
  mcpConfigArgs,
  otlpArgs,
  passEnvArgs,
  providerArg,
  stateDirArg,
  wholeNumber,
  workspaceArg,
} from './valueArgs';
import { ACCEPTED, OPTIONS, type OptionName } from './cliOptions';

type Values = {
  [K in OptionName]?: (typeof OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof OPTIONS)[K]['type'] extends 'string'
      ? string
      : boolean;
};

/**
 * Parses and validates the command line (without `node` and the script). Every problem is a
 * `UsageError` whose message says what is wrong and what to type instead. `cwd` resolves
 * relative folders; `--workspace` must name an existing folder.
 */
export function parseCliArgs(
  argv: readonly string[],
  cwd: string,
  providers: ProviderTable = BUILTIN_PROVIDERS,
): CliCommand {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const positionals: string[] = [];
  const values: Values = {};
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const def = (OPTIONS as Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>)[token.name];
    if (!def)
      throw new UsageError(
        `Unknown option ${token.rawName}.${suggestOption(token.name)} Run \`agent-orchestrator --help\` for the options.`,
      );
    const name = token.name as OptionName;
    if (def.type === 'boolean') {
      if (token.value !== undefined)
        throw new UsageError(`${token.rawName} takes no value; write just ${token.rawName}.`);
      (values as Record<string, unknown>)[name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && value.startsWith('--'))) {
      throw new UsageError(`${token.rawName} needs a value, e.g. ${token.rawName} ${EXAMPLES[name] ?? 'VALUE'}.`);
    }
    if (def.multiple) {
      ((values as Record<string, string[]>)[name] ??= []).push(value);
    } else {
      if (seen.has(name)) throw new UsageError(`${token.rawName} was given twice; give it once.`);
      (values as Record<string, unknown>)[name] = value;
    }
    seen.add(name);
  }

  const [first, ...rest] = positionals;
  if (first === 'help') return helpFor(rest[0]);
  if (values.version) return { kind: 'version' };
  if (first === undefined) {
    if (values.help) return { kind: 'help' };
    throw new UsageError(
      `No command given. Use one of: ${COMMANDS.join(', ')} (e.g. agent-orchestrator run "Add tests for the parser").`,
    );
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(
      `Unknown command "${first}". Use one of: ${COMMANDS.join(', ')}; see \`agent-orchestrator --help\`.`,
    );
  }
  const command = first as CommandName;
  if (values.help) return { kind: 'help', topic: command };
  for (const name of Object.keys(values) as OptionName[]) {
    if (!ACCEPTED[command].includes(name))
      throw new UsageError(
        `--${name} is not an option of \`${command}\`.${WHY_NOT[`${command}:${name}`] ?? ''} See \`agent-orchestrator help ${command}\`.`,
      );
  }
  const stateDir = values['state-dir'] === undefined ? undefined : stateDirArg(values['state-dir'], cwd);
  switch (command) {
    case 'run':
      return parseRun(rest, values, cwd, stateDir, providers);
    case 'plan':
      return { out: PLAN_TO_STDOUT, ...parseRun(rest, values, cwd, stateDir, providers), dryRun: true };
    case 'resume': {
      const runId = runIdArg(rest, 'resume');
      return {
        kind: 'resume',
        runId,
        ...(values.workspace === undefined ? {} : { workspace: workspaceArg(values.workspace, cwd) }),
        ...(stateDir === undefined ? {} : { stateDir }),
        ...(values.approve === undefined ? {} : { approve: approveArg(values.approve) }),
        budget: budgetArgs(values),
        ...taskActionArgs(values),
        ...mcpConfigArgs(values['mcp-config'], cwd),
        ...optional('logLevel', logLevelArg(values)),
        json: values.json ?? false,
        ...otlpArgs(values),
      };
    }
    case 'mcp': {
      noMorePositionals(rest, 'mcp');
      // The goals come from the MCP client; the placeholder only gets past parseRun's goal check.
      const { kind: _k, goal: _g, dryRun: _d, json: _j, ...run } = parseRun(['-'], values, cwd, stateDir, providers);
      return { ...run, kind: 'mcp', approve: mcpApprove(run.approve) };
    }
    case 'list':
      noMorePositionals(rest, 'list');
      return { kind: 'list', ...(stateDir === undefined ? {} : { stateDir }), json: values.json ?? false };
    case 'show': {
      const runId = runIdArg(rest, 'show');
      const formats = (['json', 'markdown', 'spans'] as const).filter((f) => values[f]);
      if (formats.length > 1)
        throw new UsageError(
          `${formats.map((f) => `--${f}`).join(' and ')} cannot be combined; pick one output format.`,
        );
      return {
        kind: 'show',
        runId,
        ...(stateDir === undefined ? {} : { stateDir }),
        format: formats[0] ?? 'human',
      };
    }
  }
}

function parseRun(
  rest: string[],
  values: Values,
  cwd: string,
  stateDir: string | undefined,
  providers: ProviderTable,
): RunArgs {
  const planFile = values.plan === undefined ? undefined : path.resolve(cwd, values.plan);
  if (planFile !== undefined && values['dry-run'])
    throw new UsageError('--plan runs a plan that exists already; --dry-run would only plan. Give one of them.');
  if (rest.length === 0 && planFile === undefined)
    throw new UsageError(
      'A goal is needed, e.g. agent-orchestrator run "Add JWT auth to the API and tests for it" (or run --plan plan.json).',
    );
  if (rest.length > 1) {
    throw new UsageError(
      `One goal is needed but got ${rest.length} words; put the goal in quotes: agent-orchestrator run "${rest.join(' ')}".`,
    );
  }
  const goal = (rest[0] ?? '').trim();
  if (goal === '' && planFile === undefined)
    throw new UsageError('The goal is empty; describe in one sentence what the agents should achieve.');
  const args: RunArgs = {
    kind: 'run',
    goal,
    workspace: workspaceArg(values.workspace ?? cwd, cwd),
    budget: budgetArgs(values),
    verify: (values.verify ?? []).map((command, i) => {
      if (command.trim() === '')
        throw new UsageError(`--verify number ${i + 1} is empty; give a shell command, e.g. --verify "npm test".`);
      return command.trim();
    }),
    passEnv: passEnvArgs(values['pass-env'] ?? []),
    ...mcpConfigArgs(values['mcp-config'], cwd),
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    ...otlpArgs(values),
    ...(planFile === undefined ? {} : { planFile }),
    ...(values.out === undefined ? {} : { out: path.resolve(cwd, values.out) }),
  };
  if (values.provider !== undefined) args.provider = providerArg(values.provider, providers);
  if (values.model !== undefined) {
    if (!/^\S+$/.test(values.model))
      throw new UsageError(
        `--model "${values.model}" is not a model name; use a name without spaces, e.g. --model gpt-4o-mini.`,
      );
    args.model = values.model;
  }
  if (values['base-url'] !== undefined) args.baseUrl = baseUrlArg(values['base-url']);
  const prices = priceArgs(values.price ?? [], values.prices, cwd);
  if (prices !== undefined) args.prices = prices;
  if (values['no-response-cache']) args.responseCache = false;
  if (values.concurrency !== undefined)
    args.concurrency = wholeNumber('--concurrency', values.concurrency, MAX_CONCURRENCY);
  if (values.approve !== undefined) args.approve = approveArg(values.approve);
  const thresholds = thresholdArgs(values, args.verify);
  if (thresholds !== undefined) args.thresholds = thresholds;
  if (values['repair-attempts'] !== undefined)
    args.repairAttempts = limitArg('--repair-attempts', values['repair-attempts'], MAX_REPAIR_ATTEMPTS);
  const commandLimits: CommandLimits = {
    ...(values['command-timeout'] === undefined
      ? {}
      : { timeoutSeconds: wholeNumber('--command-timeout', values['command-timeout'], MAX_COMMAND_SECONDS) }),
    ...(values['command-max-timeout'] === undefined
      ? {}
      : {
          maxTimeoutSeconds: wholeNumber('--command-max-timeout', values['command-max-timeout'], MAX_COMMAND_SECONDS),
        }),
    ...(values['command-output-kib'] === undefined
      ? {}
      : { maxOutputKiB: wholeNumber('--command-output-kib', values['command-output-kib'], MAX_COMMAND_OUTPUT_KIB) }),
  };
  if (Object.keys(commandLimits).length > 0) args.commandLimits = commandLimits;
  if (stateDir !== undefined) args.stateDir = stateDir;
  return { ...args, ...userPolicyArgs(values, cwd) };
}

/** `--policy`, the rule flags, the retry flags and the log level, as `RunArgs` fields (absent when not given). */
function userPolicyArgs(values: Values, cwd: string): Pick<RunArgs, 'policyRules' | 'retry' | 'logLevel'> {
  return {
    ...optional('policyRules', policyRuleArgs(values, cwd)),
    ...optional('retry', retryArgs(values)),
    ...optional('logLevel', logLevelArg(values)),
  };
}

/** `{ [key]: value }`, or `{}` when the value is undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function helpFor(topic: string | undefined): CliCommand {
  if (topic === undefined) return { kind: 'help' };
  if (!(COMMANDS as readonly string[]).includes(topic))
    throw new UsageError(`There is no command "${topic}". Use one of: ${COMMANDS.join(', ')}.`);
  return { kind: 'help', topic: topic as CommandName };
}

function runIdArg(rest: string[], command: 'resume' | 'show'): string {
  const [runId, ...extra] = rest;
  if (runId === undefined)
    throw new UsageError(
      `\`${command}\` needs a run id, e.g. agent-orchestrator ${command} run-m1abc-0123456789; \`agent-orchestrator list\` shows the ids.`,
    );
  noMorePositionals(extra, command);
  if (!isSafeRunId(runId))
    throw new UsageError(
      `"${runId}" is not a run id; run ids look like run-m1abc-0123456789 (\`agent-orchestrator list\` shows them).`,
    );
  return runId;
}

/** `--skip TASK` and `--retry TASK [--note TEXT]` of resume, as task actions recorded when the run resumes. */
function taskActionArgs(values: Values): { actions?: TaskAction[] } {
  const skip = values.skip ?? [];
  const retry = values.retry ?? [];
  if (values.note !== undefined && retry.length !== 1)
    throw new UsageError("--note goes with exactly one --retry TASK: it is added to that task's next brief.");
  const both = skip.find((id) => retry.includes(id));
  if (both !== undefined) throw new UsageError(`Task "${both}" cannot be both skipped and retried; pick one.`);
  const inputs = [
    ...skip.map((taskId) => ({ kind: 'skip' as const, taskId })),
    ...retry.map((taskId) => ({
      kind: 'retry' as const,
      taskId,
      ...(values.note === undefined ? {} : { note: values.note }),
    })),
  ];
  if (inputs.length === 0) return {};
  try {
    return { actions: inputs.map(parseTaskAction) };
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

function noMorePositionals(extra: string[], command: CommandName): void {
  if (extra.length > 0)
    throw new UsageError(
      `Unexpected argument "${extra[0]}" for \`${command}\`. See \`agent-orchestrator help ${command}\`.`,
    );
}

function suggestOption(name: string): string {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  const match = (Object.keys(OPTIONS) as OptionName[]).find(
    (o) => norm(o) === norm(name) || (name.length >= 3 && norm(o).startsWith(norm(name))),
  );
  return match ? ` Did you mean --${match}?` : '';
}
