import { z } from 'zod';
import type { ChatMessage, ChatModel, ChatResponse } from '../llm/chatModel';
import { meteredComplete } from '../llm/meteredChatModel';
import type { PriceTable } from '../llm/priceTable';
import type { Planner, PlannerContext } from './planner';
import { PlanSchema, type Plan } from '../model/planSchema';
import { validatePlan } from './validatePlan';
import { formatWorkspaceSummary, type WorkspaceSummary } from './workspaceSummary';

/** The planner gave up: the model never produced a valid plan. The message lists the last problems. */
export class PlannerError extends Error {
  override readonly name = 'PlannerError';
}

/** An agent as the planner describes it to the model. */
export interface PlannerAgentInfo {
  id: string;
  description: string;
  capabilities: readonly string[];
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
  /** Times an invalid plan is sent back with its problems before giving up (default 2). */
  maxRepairs?: number;
  maxOutputTokens?: number;
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
- Prefer 2 to 12 tasks. Never invent files that the workspace summary contradicts.`;

function planArguments(response: ChatResponse): unknown {
  const call = response.toolCalls.find((c) => c.name === SUBMIT_PLAN);
  if (call) return call.argumentsError ? { __invalidJson: call.argumentsError } : call.arguments;
  // Some OpenAI-compatible servers ignore tool_choice and answer in text; accept a JSON object there.
  const text = response.text.replace(/^```(?:json)?\s*|\s*```$/g, '').trim();
  try {
    return JSON.parse(text);
  } catch {
    return { __invalidJson: 'the answer contained no submit_plan call and no JSON plan' };
  }
}

function problemsOf(args: unknown, ctx: PlannerContext): string[] {
  if (args && typeof args === 'object' && '__invalidJson' in args)
    return [`The plan is not valid JSON: ${String((args as { __invalidJson: unknown }).__invalidJson)}`];
  const v = validatePlan(args, ctx.limits);
  return v.ok ? [] : v.issues.map((i) => i.message);
}

/**
 * Turns a goal into a plan with one model, through the provider's structured output (a JSON
 * schema generated from the zod plan schema, as `response_format` or as a tool's parameters);
 * an invalid plan is sent back with every problem, up to `maxRepairs` times, then refused.
 */
export class LlmPlanner implements Planner {
  private readonly parameters = z.toJSONSchema(PlanSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;

  constructor(private readonly options: LlmPlannerOptions) {
    delete this.parameters.$schema;
  }

  async plan(goal: string, ctx: PlannerContext): Promise<Plan> {
    const { model, prices } = this.options;
    const summary = await this.options.summarise(goal, ctx.signal);
    const agents = this.options
      .agents()
      .map((a) => `- ${a.id}: ${a.description || 'no description'} (capabilities: ${a.capabilities.join(', ')})`)
      .join('\n');
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: `Goal: ${goal}\n\nAvailable agents:\n${agents}\n\n${checksLine(this.options.checks?.() ?? [])}\n\nAt most ${ctx.limits.maxTasks} tasks.\n\nWorkspace:\n${formatWorkspaceSummary(summary)}`,
      },
    ];
    const maxRepairs = this.options.maxRepairs ?? 2;
    let problems: string[] = [];
    for (let round = 0; round <= maxRepairs; round++) {
      const viaTool =
        (this.options.structuredOutput ?? (model.provider === 'anthropic' ? 'tool' : 'response_format')) === 'tool';
      const response = await meteredComplete(
        ctx,
        model,
        {
          system: SYSTEM_PROMPT,
          messages,
          ...(viaTool
            ? {
                tools: [
                  { name: SUBMIT_PLAN, description: 'Submit the plan for the goal.', parameters: this.parameters },
                ],
                toolChoice: 'auto' as const,
              }
            : {
                responseFormat: { type: 'json_schema' as const, name: 'plan', schema: this.parameters, strict: false },
              }),
          maxOutputTokens: this.options.maxOutputTokens ?? 8000,
        },
        prices,
      );
      const args = planArguments(response);
      problems = problemsOf(args, ctx);
      if (problems.length === 0) {
        const v = validatePlan(args, ctx.limits);
        if (v.ok) return { ...v.plan, goal: v.plan.goal || goal };
      }
      const call = response.toolCalls.find((c) => c.name === SUBMIT_PLAN);
      messages.push({
        role: 'assistant',
        content: response.text,
        ...(call ? { toolCalls: [call] } : {}),
        ...(response.replay ? { replay: response.replay } : {}),
      });
      const feedback = `The plan was refused:\n${problems.map((p) => `- ${p}`).join('\n')}\nFix every problem and call ${SUBMIT_PLAN} again with the whole corrected plan.`;
      messages.push(
        call
          ? { role: 'tool', toolCallId: call.id, content: feedback, isError: true }
          : { role: 'user', content: feedback },
      );
    }
    throw new PlannerError(
      `The model did not produce a valid plan after ${maxRepairs} repair attempts. Last problems:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
  }
}
