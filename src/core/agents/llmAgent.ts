import { traceToolCall } from '../tools/toolCallSpan';
import { canonicalJson } from '../llm/canonicalJson';
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse } from '../llm/chatModel';
import { meteredComplete } from '../llm/meteredChatModel';
import { countRequestTokens } from '../llm/requestTokenCount';
import type { PriceTable } from '../llm/priceTable';
import type { RunResponseCaches } from '../llm/responseCache';
import type { Agent, TaskContext, TaskResult } from '../task/agent';
import { TaskFailure } from '../model/failure';
import type { CircuitBreaker } from '../route/circuitBreaker';
import { FINISH_TOOL, isFinishTaskArgs } from '../tools/finishTaskTool';
import { PROPOSE_EDIT_TOOL } from '../tools/proposeEditTool';
import { startCheckpointEarly } from '../tools/taskCheckpoint';
import type { ToolBus } from '../tools/toolBus';
import type { ToolContext } from '../tools/toolContext';
import type { AgentDefinitionInput } from '../model/agentDefinition';
import { taskBrief } from './taskBrief';

/** The limits of one agent on one task. */
export interface AgentLoopLimits {
  /** Model turns per attempt. */
  maxTurns: number;
  /** Input plus output tokens per attempt. */
  maxTokensPerTask: number;
  /** Output tokens per model turn. */
  maxOutputTokens: number;
  /** Identical tool calls (same name, same arguments) tolerated before the agent is stopped. */
  maxRepeatedCalls: number;
  /** Failed gate verifications fed back for a fix before the task fails. */
  maxFixAttempts: number;
}

/** Sensible defaults. */
export const DEFAULT_AGENT_LIMITS: AgentLoopLimits = Object.freeze({
  maxTurns: 40,
  maxTokensPerTask: 400_000,
  maxOutputTokens: 8_000,
  maxRepeatedCalls: 3,
  maxFixAttempts: 2,
});

/** What an LLM agent is built from; the CLI or the host wires it. */
export interface LlmAgentDeps {
  /** The models to use, best first; later ones are fallbacks when a provider fails. */
  models(definition: AgentDefinitionInput): ChatModel[];
  prices: PriceTable;
  tools: ToolBus<ToolContext>;
  /** Builds the tools' context for one attempt. */
  toolContext(ctx: TaskContext): ToolContext;
  limits?: Partial<AgentLoopLimits>;
  /** The runs' response caches; without it every request is sent. */
  cache?: RunResponseCaches;
  breaker?: CircuitBreaker;
  /** Verification steps (by name) every task that edited must pass (against the run's baseline) before it counts as done. */
  gateSteps?: readonly string[];
  /** The project's instructions for a task (AGENTS.md, `.instructions.md`), bounded; read as each attempt starts. */
  projectInstructions?(ctx: TaskContext): Promise<string | undefined>;
}

/**
 * An agent that works a task with a chat model: model turn → tool calls → tool results → … until
 * it calls `finish_task` (or answers without tools). It stops with a finding on its turn or token
 * limit and when it repeats the same call; edits are gated by the configured verification, whose
 * failures are fed back for a bounded number of fixes.
 */
export class LlmAgent implements Agent {
  private readonly limits: AgentLoopLimits;

  constructor(
    readonly definition: AgentDefinitionInput,
    private readonly systemPrompt: string,
    private readonly deps: LlmAgentDeps,
  ) {
    this.limits = { ...DEFAULT_AGENT_LIMITS, ...deps.limits };
  }

  async run(ctx: TaskContext): Promise<TaskResult> {
    const toolCtx = this.deps.toolContext(ctx);
    const allowed = this.definition.tools ?? [];
    // An agent that may edit takes its checkpoint while its first turn waits for the model; propose_edit awaits it.
    const checkpoint =
      allowed.length === 0 || allowed.includes(PROPOSE_EDIT_TOOL) ? startCheckpointEarly(toolCtx) : undefined;
    try {
      return await this.loop(ctx, toolCtx, allowed);
    } finally {
      // No step outlives its attempt.
      await checkpoint;
    }
  }

  /**
   * Builds the agent's built-in tool definitions and has its first model count its system prompt
   * and those definitions, ahead of its first task (see `Agent.prepare`). Tools of MCP servers are
   * left out: listing them starts their servers, which only a task may do.
   */
  prepare(): void {
    const tools = this.deps.tools.specs(this.definition.tools ?? []);
    this.deps.models(this.definition)[0]?.prepareCount?.({ system: this.systemPrompt, tools });
  }

  /** The turns of one attempt: model turn, tool calls, gate, until finished or a limit stops it. */
  private async loop(ctx: TaskContext, toolCtx: ToolContext, allowed: readonly string[]): Promise<TaskResult> {
    const specs = await this.deps.tools.specsFor(allowed);
    const instructions = await this.deps.projectInstructions?.(ctx);
    const messages: ChatMessage[] = [{ role: 'user', content: taskBrief(ctx, instructions) }];
    const seen = new Map<string, number>();
    let tokens = 0;
    let edits = 0;
    let fixesLeft = this.limits.maxFixAttempts;
    for (let turn = 1; turn <= this.limits.maxTurns; turn++) {
      const request: ChatRequest = {
        system: this.systemPrompt,
        messages,
        ...(specs.length ? { tools: specs, toolChoice: 'auto' as const } : {}),
        maxOutputTokens: this.limits.maxOutputTokens,
        // Deterministic unless the agent file asks otherwise, so a repeated turn of the run is answered from its cache.
        temperature: this.definition.temperature ?? 0,
      };
      await this.refuseTurnOverLimit(ctx, turn, tokens, request);
      const response = await this.turn(ctx, request);
      tokens += response.usage.inputTokens + response.usage.outputTokens;
      messages.push({
        role: 'assistant',
        content: response.text,
        ...(response.toolCalls.length ? { toolCalls: response.toolCalls } : {}),
        ...(response.replay ? { replay: response.replay } : {}),
      });
      let finished: TaskResult | undefined =
        response.toolCalls.length === 0 ? { output: response.text, summary: response.text.slice(0, 200) } : undefined;
      for (const call of response.toolCalls) {
        // Bad finish_task arguments (no summary, a huge or deeply nested output) go to the bus, which answers with the error.
        if (call.name === FINISH_TOOL && !call.argumentsError && isFinishTaskArgs(call.arguments)) {
          const args = (call.arguments ?? {}) as { summary?: unknown; output?: unknown };
          finished = {
            summary: String(args.summary ?? ''),
            ...(args.output !== undefined
              ? { output: JSON.parse(JSON.stringify(args.output)) as TaskResult['output'] }
              : {}),
          };
          const noted = await traceToolCall(ctx.startSpan, FINISH_TOOL, call.id, async () => ({ content: 'Noted.' }));
          messages.push({ role: 'tool', toolCallId: call.id, content: noted.content });
          continue;
        }
        const key = `${call.name}:${canonicalJson(call.arguments ?? call.rawArguments)}`;
        const repeats = (seen.get(key) ?? 0) + 1;
        seen.set(key, repeats);
        if (repeats >= this.limits.maxRepeatedCalls) {
          const message = `Agent "${ctx.agentId}" called ${call.name} with the same arguments ${repeats} times; it was stopped to avoid a loop.`;
          ctx.report({ severity: 'major', category: 'custom', message });
          throw new TaskFailure(message, 'reassign');
        }
        const result = call.argumentsError
          ? {
              content: `Your arguments for ${call.name} were refused: ${call.argumentsError} Call it again with valid JSON arguments.`,
              isError: true,
            }
          : await traceToolCall(ctx.startSpan, call.name, call.id, () =>
              this.deps.tools.call(call.name, call.arguments, toolCtx, allowed),
            );
        // An edit already in place (applied by an attempt that crashed) still has to pass the gate.
        if (
          call.name === 'propose_edit' &&
          !result.isError &&
          (result.data?.applied === true || result.data?.unchanged === true)
        )
          edits++;
        messages.push({
          role: 'tool',
          toolCallId: call.id,
          content: result.content,
          ...(result.isError ? { isError: true } : {}),
        });
      }
      // Reached only when a turn used more than its worst-case estimate (the input estimate was low).
      if (tokens > this.limits.maxTokensPerTask) {
        const message = `Agent "${ctx.agentId}" used ${tokens} tokens on task "${ctx.task.id}", over its limit of ${this.limits.maxTokensPerTask}; it was stopped.`;
        ctx.report({ severity: 'major', category: 'custom', message });
        throw new TaskFailure(message, 'fatal');
      }
      if (!finished) continue;
      const gate = await this.runGate(ctx, toolCtx, allowed, edits > 0);
      if (!gate) return finished;
      if (fixesLeft-- <= 0) {
        throw new TaskFailure(
          `The task's changes still fail verification after ${this.limits.maxFixAttempts} fix attempts:\n${gate}`,
          'fatal',
        );
      }
      messages.push({
        role: 'user',
        content: `Verification failed after your changes. Fix the problems, then call ${FINISH_TOOL} again.\n${gate}`,
      });
    }
    const message = `Agent "${ctx.agentId}" reached its limit of ${this.limits.maxTurns} turns on task "${ctx.task.id}" without finishing.`;
    ctx.report({ severity: 'major', category: 'custom', message });
    throw new TaskFailure(message, 'fatal');
  }

  /**
   * Runs the gate: the configured steps when the task edited (judged against the run's baseline by
   * the tool, so only what the task broke fails it), and the task's own checks (its plan's `verify`)
   * always, which must pass outright. Resolves with the failure text, or undefined when all pass. A
   * task's own check the policy refuses is not run; that is reported as a finding, not a failure.
   */
  private async runGate(
    ctx: TaskContext,
    toolCtx: ToolContext,
    allowed: readonly string[],
    edited: boolean,
  ): Promise<string | undefined> {
    const configured = this.deps.gateSteps ?? [];
    const own = ctx.task.verify ?? [];
    const checks: Array<{ name: string } | { command: string }> = [
      ...(edited ? configured.filter((name) => !own.includes(name)).map((name) => ({ name })) : []),
      ...own.map((check) => (configured.includes(check) ? { name: check } : { command: check })),
    ];
    const failures: string[] = [];
    for (const check of checks) {
      const result = await traceToolCall(ctx.startSpan, 'run_verification', undefined, () =>
        this.deps.tools.call(
          'run_verification',
          check,
          toolCtx,
          allowed.length ? [...allowed, 'run_verification'] : allowed,
        ),
      );
      if ('command' in check && result.data?.refused === true) {
        ctx.report({
          severity: 'minor',
          category: 'custom',
          message: `The task's own check \`${check.command}\` was not run: ${result.content}`,
        });
        continue;
      }
      if (result.data?.verdict === 'fail' || (result.isError && result.data?.verdict === undefined))
        failures.push(result.content);
    }
    return failures.length > 0 ? failures.join('\n\n') : undefined;
  }

  /**
   * Stops the agent before a turn whose worst case (estimated input plus all of `maxOutputTokens`)
   * would take the task past its token limit: the turn is not sent, so the limit is never crossed
   * by a turn it could have refused.
   */
  private async refuseTurnOverLimit(ctx: TaskContext, turn: number, used: number, request: ChatRequest): Promise<void> {
    const model = this.deps.models(this.definition)[0];
    const count = model === undefined ? undefined : await countRequestTokens(model, request, ctx.signal);
    const limit = this.limits.maxTokensPerTask;
    if (used + (count?.tokens ?? 0) + request.maxOutputTokens <= limit) return;
    // An upper bound (the tokenizer still loads) over the limit says nothing yet: count exactly.
    const input = count?.exact === undefined ? (count?.tokens ?? 0) : (await count.exact()).tokens;
    const worstCase = input + request.maxOutputTokens;
    if (used + worstCase <= limit) return;
    const message =
      `Agent "${ctx.agentId}" was stopped before turn ${turn} of task "${ctx.task.id}": it has used ${used} of its ` +
      `${limit}-token limit, and the turn could use up to ${worstCase} more (about ${input} of input plus up to ` +
      `${request.maxOutputTokens} of output). The turn was not sent. Split the task into smaller tasks that need less context.`;
    ctx.report({ severity: 'major', category: 'custom', message });
    throw new TaskFailure(message, 'fatal');
  }

  /** One model turn, falling back down the model chain when a provider fails in a retryable way. */
  private async turn(ctx: TaskContext, request: ChatRequest): Promise<ChatResponse> {
    const chain = this.deps.models(this.definition);
    if (chain.length === 0) throw new TaskFailure(`No model is configured for agent "${ctx.agentId}".`, 'fatal');
    const breaker = this.deps.breaker;
    let lastError: unknown;
    for (const model of chain) {
      const key = { provider: model.provider, model: model.model };
      if (breaker && chain.length > 1 && !breaker.canRequest(key)) continue;
      try {
        const response = await meteredComplete(ctx, model, request, this.deps.prices, {
          ...(this.deps.cache ? { cache: this.deps.cache.forRun(ctx.runId) } : {}),
          onNote: (note) => ctx.log.warn(note),
        });
        breaker?.recordSuccess(key);
        return response;
      } catch (err) {
        if (!(err instanceof TaskFailure)) throw err;
        breaker?.recordFailure(key, err.failureClass);
        // Only a provider's own trouble moves us down the chain; budget, approvals and aborts do not.
        if (err.failureClass !== 'retryable') throw err;
        lastError = err;
      }
    }
    throw (
      lastError ??
      new TaskFailure(`Every model for agent "${ctx.agentId}" is unavailable (circuits open).`, 'retryable')
    );
  }
}
