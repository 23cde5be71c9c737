import { BUILTIN_PROVIDERS } from '../core/llm/builtinProviders';
import type { ProviderTable } from '../core/llm/providerTable';
import type { CommandName } from './cliCommand';

const EXIT_CODES = `Exit codes:
  0  the run succeeded (a dry run: the plan is valid); list/show worked
  1  the run failed (failed tasks, or findings over threshold) or was cancelled (Ctrl+C)
  2  bad usage or bad input; nothing was started
  3  the run is paused (budget reached, or an approval is needed); resume it`;

function environment(providers: ProviderTable): string {
  const keys = providers
    .list()
    .filter((p) => !p.scripted)
    .map((p) => p.keyEnvVar)
    .join(', ');
  return [
    'Environment:',
    `  ${keys.padEnd(34)}  API keys; read from here only, never printed or stored`,
    '  AGENT_ORCHESTRATOR_HOME             the state folder (default: a per-user folder)',
    '  AGENT_ORCHESTRATOR_RPM, _TPM        requests / tokens per minute allowed per model (default: no limit)',
    '  AGENT_ORCHESTRATOR_REQUEST_TIMEOUT_MS  one model request fails (and is retried) after this long (default 10 min)',
    "  AGENT_ORCHESTRATOR_SNAPSHOT_EVERY   events between snapshots of a run's state (default 5000)",
  ].join('\n');
}

/** The --provider and --model lines, from the provider table. */
function providerLines(providers: ProviderTable): string {
  const real = providers.list().filter((p) => !p.scripted);
  const order = real.map((p) => `${p.id} if ${p.keyEnvVar} is set`).join(', else ');
  const defaults = real.map((p) => `${p.defaultModel} for ${p.id}`).join(', ');
  return [
    `  --provider NAME        ${real.map((p) => p.id).join(' | ')} (default: ${order})`,
    `  --model NAME           the model (default: ${defaults})`,
  ].join('\n');
}

const RUN = (providers: ProviderTable): string => `agent-orchestrator run "<goal>" [options]
  Plans the goal, runs the tasks with LLM agents in parallel, verifies, and prints the run id.

  --workspace DIR        the folder the agents work in (default: the current folder)
${providerLines(providers)}
  --base-url URL         an OpenAI-compatible server (Ollama, LM Studio, vLLM, OpenRouter) or proxy;
                         on localhost / 127.0.0.1 no API key is needed
  --concurrency N        tasks run at once, 1-64 (default 4)
  --budget-tokens N      stop before the run would use more than N tokens (the run pauses)
  --budget-usd X         stop before the run would cost more than X US dollars (the run pauses);
                         refused before the run starts when a model of the run has no price
  --price MODEL=IN/OUT   a model's price in US dollars per million input/output tokens, e.g.
                         --price gpt-4o=2.5/10 (MODEL may be provider:model); repeat for several.
                         A model without a price shows its cost as "unknown"
  --prices FILE          prices from a JSON file: {"MODEL": {"input": 2.5, "output": 10}} (optional
                         "cacheRead", "cacheWrite"); --price flags win over it
  --no-response-cache    send every request, also an identical deterministic one (temperature 0)
                         asked again in the run; by default such a request is answered from the
                         run's cache, costs nothing and counts as a cache hit
  --approve MODE         how edits are approved (default: prompt on a terminal, else never):
                           auto    apply edits; protected files (.git, .vscode, .env*, ...) still ask
                                   on a terminal, and pause the run without one
                           never   pause the run at the first edit, for a human to approve later
                           prompt  show each edit as a diff on the terminal and ask y/n; control and
                                   invisible characters show as escapes (\\x1b, \\u202e); past 400
                                   lines the prompt counts the lines not shown: v shows them, only
                                   "apply unseen" applies without them, Enter rejects
  --verify "<command>"   a check, e.g. "npm test"; repeat for several; each is named by its command.
                         Checks run once before the first task (the baseline), after each task that
                         edits, and at the end. A task fails its check only on a regression it caused:
                         a check that passed before and fails now, or a failing test or finding that
                         was not in the baseline, in files the task edited (while other tasks are
                         unfinished, problems elsewhere are left to the end). At the end only new
                         problems count; those in the baseline are reported as pre-existing.
  --pass-env NAME        let checks and agents' commands see this environment variable (or a pattern
                         such as "MY_APP_*"); repeatable. They otherwise get PATH, HOME, the locale and
                         a few more, never a provider key or a name like *_KEY, *_TOKEN, *_SECRET,
                         *PASSWORD* unless that exact name is given
  --mcp-config FILE      MCP servers (.mcp.json or .vscode/mcp.json shape) whose tools agents may use when
                         their definition lists them (mcp__<server>__<tool> or mcp__<server>__*); each
                         call asks unless a policy rule allows it; repeatable. No other MCP config is read.
                         \${input:ID} comes from AO_MCP_INPUT_<ID> (upper-cased, - and . as _), e.g.
                         AO_MCP_INPUT_GH_TOKEN for gh-token; \${env:NAME} and \${workspaceFolder} work too
  --max-errors N         new errors (compiler errors, ESLint errors, a crashed check) each check may
                         show at the end and after a task (default 0; "any" for no limit)
  --max-warnings N       new warnings each check may show (default: any)
  --max-failing-tests N  new failing tests each check may show (default 0)
  --threshold "<check>=errors:N,warnings:N,failing-tests:N"
                         the same for one --verify check, e.g. "npm run lint=warnings:20"; repeatable
  --repair-attempts N    when the end-of-run check fails, a repair task (for the coder, with the failing
                         output and the run's diff) runs and the check runs again, at most N times
                         (0-5, default 1); then the run fails with its findings
  --command-timeout S    seconds an agent's run_command gets when it names none (default 120); the
                         command and every process it started are killed then
  --command-max-timeout S
                         longest time an agent may ask for one command (1-3600, default 600)
  --command-output-kib K output of one command the agent reads and the log gets (1-4096, default 64)
  --allow-command "<pattern>"
                         run this command without asking: its leading words, optionally ending in *
                         ("npm test", "git diff *"); repeatable. Only a single simple command matches
                         (no ; && | > $( )); inline code (node -e, bash -c, npx) still asks
  --ask-command "<pattern>", --deny-command "<pattern>"
                         always ask before / never run a matching command (checked in every part of
                         a chain); repeatable
  --ask-path GLOB, --deny-path GLOB
                         always ask before / never allow reading or editing matching files, e.g.
                         "secrets/**" (relative to the workspace); repeatable
  --policy FILE          rules from a JSON list, the shape of the agentOrchestrator.policy.rules setting:
                         [{"effect": "allow", "command": "npm test"}, {"effect": "deny", "path": "secrets/**"}]
                         ("effect" deny | ask | allow; one of "command", "path", "tool"; optional "reason").
                         Deny beats ask beats allow; no allow opens a protected path or a .env file.
                         Rules, like the retry flags, are saved with the run and kept on resume
  --max-attempts N       attempts a task gets across agents before it fails (1-20, default 6)
  --backoff-base-ms MS   first wait before a retry, doubled each time (default 500); never shorter
                         than the provider's retry-after
  --backoff-max-ms MS    longest single wait before a retry (default 30000)
  --log-level LEVEL      error | warn | info | debug (default info): the run log's detail; debug adds
                         each policy decision, also printed here
  --verbose              the same as --log-level debug
  --plan FILE            run this plan (from \`plan --out\`, or written by hand) instead of asking the
                         planner; it is checked by the same rules; the goal may then be left out
  --dry-run              plan only: print the plan and stop (the same as \`plan\`)
  --json                 print the run events on stdout, one JSON object per line, and nothing else
  --state-dir DIR        where runs are stored (default: a per-user folder, see below)
  --otlp-endpoint URL    also export the run's spans (model calls with GenAI attributes, tool calls)
                         as OTLP/HTTP JSON to this collector, e.g. http://localhost:4318; prompt and
                         answer text are never sent. Export failures are reported once, never fail the run`;

const PLAN = `agent-orchestrator plan "<goal>" [--out FILE] [options]
  Plans the goal and stops: the validated plan is written to FILE (or printed as JSON on stdout),
  for a person to read or edit, then run with \`agent-orchestrator run --plan FILE\`.

  --out FILE             where to write the plan (default: stdout)
  --workspace, --provider, --model, --base-url, --price, --prices, --verify, --json, --state-dir,
  --log-level, --verbose as for run`;

const RESUME = `agent-orchestrator resume <runId> [options]
  Continues a paused, cancelled, failed or interrupted run; finished steps are not repeated.
  Failed, cancelled and skipped tasks run again (not those a person cancelled or skipped: use --retry),
  and each new attempt is told why the last failed.

  --workspace DIR        the folder, if it moved (default: the one the run was started in)
  --approve MODE         auto | never | prompt, as for run (not remembered from the run: choose again)
  --budget-tokens N      raise the run's token budget to N
  --budget-usd X         raise the run's money budget to X US dollars
  --skip TASK            skip a pending or failed task; its dependents treat it as done (repeatable)
  --retry TASK           run a failed, cancelled or skipped task again (repeatable)
  --note TEXT            with one --retry: a note added to that task's next brief
  --mcp-config FILE      MCP servers, as for run (not remembered from the run: name them again)
  --log-level LEVEL      error | warn | info | debug for this session (default: the run's own);
                         --verbose is debug. Policy rules and retry flags are the run's own
  --json                 run events on stdout, one JSON object per line
  --state-dir DIR        where runs are stored
  --otlp-endpoint URL    export the spans of the resumed run to this OTLP/HTTP collector`;

const LIST = `agent-orchestrator list [--state-dir DIR] [--json]
  Lists the runs, newest first; --json prints one summary object per line.`;

const SHOW = `agent-orchestrator show <runId> [--state-dir DIR] [--json | --markdown | --spans]
  Shows one run: a summary, the whole folded state (--json), a Markdown report (--markdown) or the
  tree of its spans (--spans): run, plan, tasks, model calls and tool calls, with durations,
  statuses, models and tokens.`;

const MCP = `agent-orchestrator mcp [options]
  An MCP server on stdin/stdout with the tools plan, run, status and resume, so other agents and
  editors can drive runs. Runs go on in the background and are stored in the state folder like
  those of run (resume them here or from the terminal). The client cannot change these options.

  --approve MODE         never (default): a run pauses at the first edit, for a person to approve
                         with \`agent-orchestrator resume\`; auto: edits are accepted (protected files
                         and commands still pause the run). prompt is refused: nobody is at a terminal.
  --budget-tokens N, --budget-usd X
                         the budget of every run and resume the client starts
  --workspace, --provider, --model, --base-url, --concurrency, --price, --prices, --verify, --pass-env,
  --max-*, --threshold, --repair-attempts, --command-*, --no-response-cache, --state-dir
                         as for run`;

const TOPICS: Record<CommandName, (providers: ProviderTable) => string> = {
  run: RUN,
  plan: () => PLAN,
  resume: () => RESUME,
  list: () => LIST,
  show: () => SHOW,
  mcp: () => MCP,
};

/** The help text, for every command or for one. */
export function helpText(topic?: CommandName, providers: ProviderTable = BUILTIN_PROVIDERS): string {
  if (topic) return `${TOPICS[topic](providers)}\n\n${EXIT_CODES}\n\n${environment(providers)}\n`;
  return [
    'Agent Orchestrator: turn a goal into a plan of tasks and run them in parallel with LLM agents.',
    '',
    'Usage:',
    '  agent-orchestrator run "<goal>" [options]   |   run --plan FILE [options]',
    '  agent-orchestrator plan "<goal>" [--out FILE] [options]',
    '  agent-orchestrator resume <runId> [options]',
    '  agent-orchestrator list [--state-dir DIR] [--json]',
    '  agent-orchestrator show <runId> [--state-dir DIR] [--json | --markdown | --spans]',
    '  agent-orchestrator mcp [options]',
    '  agent-orchestrator help [command] | --help | --version',
    '',
    RUN(providers),
    '',
    PLAN,
    '',
    RESUME,
    '',
    LIST,
    '',
    SHOW,
    '',
    MCP,
    '',
    EXIT_CODES,
    '',
    environment(providers),
    '',
    'State folder: $AGENT_ORCHESTRATOR_HOME, else $XDG_STATE_HOME/agent-orchestrator or',
    '~/.local/state/agent-orchestrator (Linux), ~/Library/Application Support/agent-orchestrator (macOS),',
    '%LOCALAPPDATA%\\agent-orchestrator (Windows).',
    '',
  ].join('\n');
}
