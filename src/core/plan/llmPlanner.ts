import type { ChatMessage, ChatModel, ChatResponse } from '../llm/chatModel';
import { meteredComplete } from '../llm/meteredChatModel';
import type { PriceTable } from '../llm/priceTable';
import type { RunResponseCaches } from '../llm/responseCache';
import { dropOptionalNulls } from '../llm/strictJsonSchema';
import type { Plan } from '../model/planSchema';
import type { PlanIssue } from '../model/runEvents';
import { normalisePlanChoices } from './normalisePlan';
import type { Planner, PlannerContext } from './planner';
import { planChoicesOf, plannerJsonSchema } from './planJsonSchema';
import { validatePlan } from './validatePlan';
import { formatWorkspaceSummary, type WorkspaceSummary } from './workspaceSummary';

/** The planner gave up: the model never produced a valid plan. The message lists the last problems. */
export class PlannerError extends Error {
  override readonly name = 'PlannerError';
  constructor(
    message: string,
    /** The last answer's problems, each naming the field, the value and what is allowed. */
    readonly issues: readonly PlanIssue[] = [],
  ) {
    super(message);
  }
}

/** An agent as the planner describes it to the model. */
export interface PlannerAgentInfo {
  id: string;
  description: string;
  capabilities: readonly string[];
  /** Other words for the agent; a capability naming one is read as this agent's capabilities. */
  synonyms?: readonly string[];
}

/** How the LLM planner is set up. */
export interface LlmPlannerOptions {
  model: ChatModel;
  prices: PriceTable;
  /** Looks at the workspace for this goal. */
  summarise(goal: string, signal: AbortSignal): Promise<WorkspaceSummary>;
  /** The agents a plan may rely on. */
  agents(): PlannerAgentInfo[];
  /** The configured checks (commands or task labels), named in the prompt so tasks can name their own. */
  checks?(): readonly string[];
  /**
   * How the plan comes back: OpenAI-style `response_format` JSON schema, or a `submit_plan` tool
   * call (the default for Anthropic, which offers no response format on every model; the call is
   * not forced, as some Claude models refuse forced tool use).
   */
  structuredOutput?: 'response_format' | 'tool';
  /**
   * Ask the provider to enforce the schema (OpenAI `strict: true` on the response format or the
   * tool, Anthropic strict tools): the provider table's `strictStructuredOutput`. Default false.
   */
  strict?: boolean;
  /** Times an invalid plan is sent back with its problems before giving up (default 2). */
  maxRepairs?: number;
  maxOutputTokens?: number;
  /** The runs' response caches: a planning request repeated in a run (a retry, a resume) is answered from it. */
  cache?: RunResponseCaches;
}

const SUBMIT_PLAN = 'submit_plan';

/** The prompt line that names the configured checks and the per-task `verify` field. */
function checksLine(checks: readonly string[]): string {
  const configured =
    checks.length === 0
      ? 'No checks are configured.'
      : `Configured checks: ${checks.map((c) => `\`${c}\``).join(', ')}. They run before the first task, after each task that edits (a task fails only on problems it introduced) and at the end.`;
  return `${configured} A task may name its own checks in "verify", shell commands that must pass for that task alone (e.g. "npm test -- test/a.test.ts"); use them only when a check can pass once that task is done.`;
}

const SYSTEM_PROMPT = `You are the planner of a team of software agents working in one code workspace.
Turn the user's goal into a plan of small tasks and submit it: call the ${SUBMIT_PLAN} tool when it is offered, otherwise answer with the plan as JSON only.
- Each task has a short unique id (letters, digits, ".", "_", "-"), a title, a precise description and acceptance criteria.
- Only list a dependency when a task really needs another's result; independent tasks run in parallel.
- requiredCapabilities must come from the capabilities of the available agents.
- List in "writes" the workspace-relative paths (or globs) a task will change and in "reads" what it must read; tasks writing the same path never run at once.
- Prefer 2 to 12 tasks. Never invent files that the workspace summary contradicts.
- Use null for an optional field you leave empty.`;

/** The plan the answer carries: the submit_plan call's arguments, else JSON text; or why there is none. */
function planArguments(response: ChatResponse): { ok: true; value: unknown } | { ok: false; error: string } {
  const call = response.toolCalls.find((c) => c.name === SUBMIT_PLAN);
  if (call)
    return call.argumentsError ? { ok: false, error: call.argumentsError } : { ok: true, value: call.arguments };
  // Some OpenAI-compatible servers ignore tool_choice and answer in text; accept a JSON object there.
  const text = response.text.replace(/^```(?:json)?\s*|\s*```$/g, '').trim();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: `the answer contained no ${SUBMIT_PLAN} call and no JSON plan` };
  }
}

/**
 * Turns a goal into a plan with one model, through the provider's structured output. The JSON
 * schema is built for every plan from the agents registered at that moment (capabilities and
 * agent ids as enums), derived from the zod plan schema and shaped to strict mode's rules; it goes
 * as `response_format` or as the `submit_plan` tool's parameters, strict where the provider
 * enforces schemas. The answer's nulls are mapped back, near-misses (spelling, an agent's id or
 * synonym for a capability) are normalised with a warning each, and an invalid plan is sent back
 * with every problem — field, value, allowed values — up to `maxRepairs` times, then refused.
 */
export class LlmPlanner implements Planner {
  constructor(private readonly options: LlmPlannerOptions) {}

  async plan(goal: string, ctx: PlannerContext): Promise<Plan> {
    const { model, prices } = this.options;
    const summary = await this.options.summarise(goal, ctx.signal);
    const agents = this.options.agents();
    const { schema, original } = plannerJsonSchema(planChoicesOf(agents));
    const strict = this.options.strict ?? false;
    const viaTool =
      (this.options.structuredOutput ?? (model.provider === 'anthropic' ? 'tool' : 'response_format')) === 'tool';
    const agentList = agents
      .map((a) => `- ${a.id}: ${a.description || 'no description'} (capabilities: ${a.capabilities.join(', ')})`)
      .join('\n');
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: `Goal: ${goal}\n\nAvailable agents:\n${agentList}\n\n${checksLine(this.options.checks?.() ?? [])}\n\nAt most ${ctx.limits.maxTasks} tasks.\n\nWorkspace:\n${formatWorkspaceSummary(summary)}`,
      },
    ];
    const maxRepairs = this.options.maxRepairs ?? 2;
    let issues: PlanIssue[] = [];
    for (let round = 0; round <= maxRepairs; round++) {
      const response = await meteredComplete(
        ctx,
        model,
        {
          system: SYSTEM_PROMPT,
          messages,
          ...(viaTool
            ? {
                tools: [
                  {
                    name: SUBMIT_PLAN,
                    description: 'Submit the plan for the goal.',
                    parameters: schema,
                    ...(strict ? { strict: true } : {}),
                  },
                ],
                toolChoice: 'auto' as const,
              }
            : { responseFormat: { type: 'json_schema' as const, name: 'plan', schema, strict } }),
          maxOutputTokens: this.options.maxOutputTokens ?? 8000,
          temperature: 0,
        },
        prices,
        {
          onNote: (note) => ctx.warn?.(note),
          ...(this.options.cache && ctx.runId !== undefined ? { cache: this.options.cache.forRun(ctx.runId) } : {}),
        },
      );
      const args = planArguments(response);
      if (args.ok) {
        const { plan, changes } = normalisePlanChoices(dropOptionalNulls(args.value, original), agents);
        for (const change of changes) {
          ctx.warn?.(change.message, {
            field: change.field,
            from: change.from,
            to: [...change.to],
            reason: change.reason,
          });
        }
        const v = validatePlan(plan, ctx.limits);
        if (v.ok) return { ...v.plan, goal: v.plan.goal || goal };
        issues = v.issues;
      } else {
        issues = [{ code: 'schema', message: `The plan is not valid JSON: ${args.error}` }];
      }
      const call = response.toolCalls.find((c) => c.name === SUBMIT_PLAN);
      messages.push({
        role: 'assistant',
        content: response.text,
        ...(call ? { toolCalls: [call] } : {}),
        ...(response.replay ? { replay: response.replay } : {}),
      });
      const again = viaTool
        ? `call ${SUBMIT_PLAN} again with the whole corrected plan`
        : 'answer again with the whole corrected plan as JSON';
      const feedback = `The plan was refused:\n${bullets(issues)}\nFix every problem and ${again}.`;
      messages.push(
        call
          ? { role: 'tool', toolCallId: call.id, content: feedback, isError: true }
          : { role: 'user', content: feedback },
      );
    }
    throw new PlannerError(
      `The model did not produce a valid plan after ${maxRepairs} repair attempts. Last problems:\n${bullets(issues)}`,
      issues,
    );
  }
}

function bullets(issues: readonly PlanIssue[]): string {
  return issues.map((i) => `- ${i.message}`).join('\n');
}
