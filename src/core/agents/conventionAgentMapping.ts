import { isMcpToolName } from '../tools/mcpToolNames';

/** The agent-file conventions of other tools that we read, besides our own `.orchestrator/agents`. */
export type AgentFileConvention = 'github' | 'claude';

/** Tools every agent from a convention file gets: finishing its task and the run's shared context. */
export const ALWAYS_GRANTED_TOOLS: readonly string[] = Object.freeze([
  'finish_task',
  'context_get',
  'context_set',
  'send_message',
  'read_messages',
]);

/**
 * Our tools each tool name of Claude Code and GitHub Copilot / VS Code stands for, by lower-case name.
 * `Bash` and the terminal tools map to `run_command` (one program, no shell; the policy allows, asks or
 * denies each) and `run_verification` (the configured checks); `runTests` to the checks only.
 */
export const CONVENTION_TOOL_MAP: Readonly<Record<string, readonly string[]>> = Object.freeze({
  read: ['read_file'],
  readfile: ['read_file'],
  notebookread: ['read_file'],
  edit: ['propose_edit'],
  editfiles: ['propose_edit'],
  multiedit: ['propose_edit'],
  write: ['propose_edit'],
  createfile: ['propose_edit'],
  notebookedit: ['propose_edit'],
  grep: ['search_text'],
  textsearch: ['search_text'],
  glob: ['list_files'],
  ls: ['list_files'],
  filesearch: ['list_files'],
  listdirectory: ['list_files'],
  search: ['search_text', 'list_files'],
  codebase: ['search_text', 'read_file'],
  bash: ['run_command', 'run_verification'],
  execute: ['run_command', 'run_verification'],
  shell: ['run_command', 'run_verification'],
  terminal: ['run_command', 'run_verification'],
  runcommands: ['run_command', 'run_verification'],
  runinterminal: ['run_command', 'run_verification'],
  runtests: ['run_verification'],
});

/** The tools a convention's `tools` list maps to, and the names we do not know (reported, never granted). */
export interface MappedTools {
  /** Our tool names; empty when the file grants every tool (no `tools`, or `*`). */
  tools: string[];
  /** Names in the file that map to nothing of ours. */
  ignored: string[];
}

/**
 * Maps a convention's tool names to ours: no list (or a `*` in it) means every tool, as in both
 * conventions; otherwise the known names, plus {@link ALWAYS_GRANTED_TOOLS}. A namespaced name
 * (`edit/editFiles`) is looked up whole, then by its namespace (`edit`).
 */
export function mapConventionTools(names: readonly string[] | undefined, knownTools: readonly string[]): MappedTools {
  if (names === undefined || names.some((n) => n.trim() === '*')) return { tools: [...knownTools], ignored: [] };
  const tools = new Set<string>();
  const ignored: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const lower = name.toLowerCase();
    const ours = CONVENTION_TOOL_MAP[lower] ?? CONVENTION_TOOL_MAP[lower.split('/')[0] ?? ''];
    if (ours) for (const t of ours) tools.add(t);
    else if (knownTools.includes(name) || isMcpToolName(name)) tools.add(name);
    else ignored.push(name);
  }
  for (const t of ALWAYS_GRANTED_TOOLS) tools.add(t);
  const known = new Set(knownTools);
  // MCP tools (`mcp__server__tool`, Claude Code's own naming) are kept: their servers say later whether they exist.
  return {
    tools: knownTools.length > 0 ? [...tools].filter((t) => known.has(t) || isMcpToolName(t)) : [...tools],
    ignored,
  };
}

/** Capabilities found as whole words in a convention agent's name (or, failing that, its description). */
export const CAPABILITY_WORDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  review: ['review', 'reviewer', 'reviews', 'reviewing', 'audit', 'auditor', 'critique'],
  test: ['test', 'tests', 'tester', 'testing', 'qa'],
  code: ['code', 'coder', 'coding', 'implement', 'implementer', 'implementation', 'developer', 'engineer'],
  refactor: ['refactor', 'refactoring', 'refactorer'],
  docs: ['docs', 'doc', 'documentation', 'documenter', 'writer'],
  research: ['research', 'researcher', 'investigate', 'investigator', 'explore', 'explorer', 'analyst'],
  plan: ['plan', 'planner', 'planning'],
  design: ['design', 'designer', 'architect', 'architecture'],
});

/** Capabilities that only make sense for an agent that can propose edits. */
const EDITING_CAPABILITIES = new Set(['code', 'refactor', 'docs', 'test']);

/**
 * The capabilities of a convention agent, predictably: the {@link CAPABILITY_WORDS} in its name;
 * if none, those in its description; editing capabilities are dropped when it cannot edit; if
 * nothing is left, its own id (so a plan can still name it).
 */
export function conventionCapabilities(id: string, description: string, canEdit: boolean): string[] {
  const fromText = (text: string): string[] => {
    const words = new Set(text.toLowerCase().split(/[^a-z0-9]+/));
    return Object.keys(CAPABILITY_WORDS).filter((cap) => (CAPABILITY_WORDS[cap] ?? []).some((w) => words.has(w)));
  };
  let caps = fromText(id);
  if (caps.length === 0) caps = fromText(description);
  if (!canEdit) caps = caps.filter((c) => !EDITING_CAPABILITIES.has(c));
  return caps.length > 0 ? caps : [id];
}

/** Claude Code's model aliases, as our `provider/model` references. */
export const CLAUDE_MODEL_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  opus: 'anthropic/claude-opus-5',
  sonnet: 'anthropic/claude-sonnet-5',
  haiku: 'anthropic/claude-haiku-4-5',
});

/** An agent id from a convention's display name: runs of other characters become "-". */
export function conventionAgentId(name: string): string {
  return name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64);
}
