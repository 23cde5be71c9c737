import { deepFreeze } from '../common/deepFreeze';
import { errorMessage } from '../common/errors';
import { TaskFailure } from '../model/failure';
import { toolPatternMatches } from './mcpToolNames';
import { toolSpecOf, type ToolDefinition, type ToolResult, type ToolSpec } from './toolDefinition';

/** Describes a zod error for the model: one line per problem, with where it is. */
function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .map((i) => `- ${i.path.length ? i.path.map(String).join('.') : '(arguments)'}: ${i.message}`)
    .join('\n');
}

/**
 * The tools available to agents. Every call is validated against the tool's schema before it
 * runs; an unknown tool, bad arguments or a throwing tool become an error result the model can
 * read and correct, never an exception that ends the task.
 */
/** Tools that exist only for agents that list them (MCP servers' tools), found when first needed. */
export interface ListedToolSource<C> {
  /** The tools `allowed` (names, or names ending in `*`) covers; may start servers. */
  toolsFor(allowed: readonly string[]): Promise<ReadonlyArray<ToolDefinition<C>>>;
}

export class ToolBus<C> {
  private readonly tools = new Map<string, ToolDefinition<C, unknown>>();
  /** Each tool's spec, generated once: every turn of every task sends them, and zod's JSON schema export is slow. */
  private readonly specCache = new Map<string, ToolSpec>();

  constructor(
    tools: ReadonlyArray<ToolDefinition<C>>,
    private readonly listed?: ListedToolSource<C>,
  ) {
    for (const tool of tools) {
      if (this.tools.has(tool.name)) throw new Error(`Two tools are named "${tool.name}".`);
      this.tools.set(tool.name, tool);
    }
  }

  /** Names of every tool. */
  names(): string[] {
    return [...this.tools.keys()];
  }

  /** Specs of the tools an agent may use (all when `allowed` is empty or absent), in a stable order. */
  specs(allowed?: readonly string[]): ToolSpec[] {
    const pick = allowed && allowed.length > 0 ? allowed : this.names();
    return pick
      .map((name) => this.tools.get(name))
      .filter((t): t is ToolDefinition<C, unknown> => t !== undefined)
      .map((t) => this.specOf(t));
  }

  /**
   * Specs of the built-in tools `allowed` names (all when empty) and of the listed tools (MCP) it
   * names by full name or `mcp__<server>__*`: an agent that lists none gets none.
   */
  async specsFor(allowed: readonly string[]): Promise<ToolSpec[]> {
    const extra = allowed.length > 0 && this.listed ? await this.listed.toolsFor(allowed) : [];
    return [...this.specs(allowed), ...extra.map((t) => deepFreeze(toolSpecOf(t)))];
  }

  /** The cached spec of `tool`, frozen all the way down so no caller can change what the next turn sends. */
  private specOf(tool: ToolDefinition<C, unknown>): ToolSpec {
    let spec = this.specCache.get(tool.name);
    if (!spec) {
      spec = deepFreeze(toolSpecOf(tool));
      this.specCache.set(tool.name, spec);
    }
    return spec;
  }

  /** Validates and runs one call. `allowed` limits which tools this agent may call. */
  async call(name: string, args: unknown, ctx: C, allowed?: readonly string[]): Promise<ToolResult> {
    let tool = this.tools.get(name);
    const mayUse =
      !allowed || allowed.length === 0 ? tool !== undefined : allowed.some((p) => toolPatternMatches(p, name));
    if (tool === undefined && mayUse && this.listed && allowed)
      tool = (await this.listed.toolsFor(allowed)).find((t) => t.name === name);
    if (!tool || !mayUse) {
      const offered = (allowed && allowed.length > 0 ? allowed : this.names()).join(', ');
      return { isError: true, content: `There is no tool "${name}" for you. Available tools: ${offered}.` };
    }
    const parsed = tool.parameters.safeParse(args);
    if (!parsed.success) {
      return {
        isError: true,
        content: `The arguments for ${name} are invalid:\n${describeIssues(parsed.error.issues)}\nCall it again with corrected arguments.`,
      };
    }
    try {
      return await tool.run(parsed.data, ctx);
    } catch (err) {
      // Aborts and engine failures (a budget, an approval needed) end the attempt; anything else is the model's to fix.
      if (err instanceof TaskFailure || (err instanceof Error && err.name === 'AbortError')) throw err;
      return { isError: true, content: `${name} failed: ${errorMessage(err)}` };
    }
  }
}
