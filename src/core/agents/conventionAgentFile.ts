import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { neutraliseText } from '../common/visibleText';
import { AgentDefinitionSchema, type AgentDefinitionInput } from '../model/agentDefinition';
import { parseModelRef } from '../route/modelRef';
import { MAX_CUSTOM_AGENT_FILE_BYTES, readLimited, type CustomAgentSpec } from './customAgentFile';
import { parseCustomAgentFrontmatter } from './customAgentFrontmatter';
import {
  CLAUDE_MODEL_ALIASES,
  conventionAgentId,
  conventionCapabilities,
  mapConventionTools,
  type AgentFileConvention,
} from './conventionAgentMapping';

/** Where each convention keeps its agents (workspace-relative) and how their file names end. */
export const CONVENTION_AGENT_FOLDERS: Readonly<Record<AgentFileConvention, { dir: string; suffix: string }>> =
  Object.freeze({
    github: { dir: '.github/agents', suffix: '.agent.md' },
    claude: { dir: '.claude/agents', suffix: '.md' },
  });

/** The frontmatter fields we map; any other is reported as ignored. `capabilities` is our own addition. */
export const CONVENTION_AGENT_FIELDS = ['name', 'description', 'tools', 'model', 'capabilities'] as const;

/** One convention file: the agent and what of the file was not used, or an error naming the file and line. */
export type ConventionAgentParseResult =
  { ok: true; agent: CustomAgentSpec; warnings: string[] } | { ok: false; error: string };

/**
 * Parses a GitHub Copilot custom agent (`.github/agents/*.agent.md`) or a Claude Code subagent
 * (`.claude/agents/*.md`): frontmatter `name`, `description`, `tools` (a list, or a comma-separated
 * string), `model`, and the body as the system prompt. Without a `name` the file name is the id.
 * Ignored fields, unknown tools and unusable models are warnings; only what makes the agent
 * unusable (bad YAML, wrong types, no body) is an error.
 */
export function parseConventionAgentFile(
  convention: AgentFileConvention,
  label: string,
  sourceFile: string,
  text: string,
  knownTools: readonly string[],
): ConventionAgentParseResult {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_CUSTOM_AGENT_FILE_BYTES)
    return fail(label, [`the file is larger than ${MAX_CUSTOM_AGENT_FILE_BYTES / 1024} KB`]);
  const hasFront = /^\uFEFF?---[ \t]*\r?\n/.test(text);
  const front = hasFront ? parseCustomAgentFrontmatter(text) : { ok: true as const, fields: {}, body: text };
  if (!front.ok) return fail(label, [front.error]);
  const fields = front.fields;
  // Only the frontmatter's lines: the body may well contain "name:" too.
  const frontLines = hasFront ? text.split(/\r?\n/) : [];
  const frontEnd = frontLines.findIndex((l, i) => i > 0 && /^---[ \t]*$/.test(l));
  const lineOf = (key: string): string => {
    const i = frontLines.slice(0, Math.max(frontEnd, 0)).findIndex((l) => new RegExp(`^${escape(key)}\\s*:`).test(l));
    return i < 0 ? '' : `line ${i + 1}: `;
  };
  const problems: string[] = [];
  const warnings: string[] = [];
  const text_ = (key: string): string | undefined => {
    const v = fields[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v.trim();
    problems.push(`${lineOf(key)}field "${key}": expected a string`);
    return undefined;
  };
  const list = (key: string): string[] | undefined => {
    const v = fields[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string')
      return v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.map((s) => s.trim()).filter(Boolean);
    problems.push(`${lineOf(key)}field "${key}": expected a list of strings or a comma-separated string`);
    return undefined;
  };
  const fileBase = path.basename(sourceFile).slice(0, -CONVENTION_AGENT_FOLDERS[convention].suffix.length);
  const name = text_('name') ?? fileBase;
  const description = text_('description') ?? '';
  const toolNames = list('tools');
  const capabilities = list('capabilities');
  const modelField = fields['model'];
  const systemPrompt = front.body.trim();
  if (!systemPrompt) problems.push('the body is empty; write the agent\'s instructions as Markdown below the "---"');
  if (problems.length > 0) return fail(label, problems);

  for (const key of Object.keys(fields)) {
    if (!(CONVENTION_AGENT_FIELDS as readonly string[]).includes(key))
      warnings.push(`${lineOf(key)}field "${key}" is ignored (we use ${CONVENTION_AGENT_FIELDS.join(', ')})`);
  }
  const id = conventionAgentId(name);
  if (id !== name) warnings.push(`${lineOf('name')}name "${name}" is used as the agent id "${id}"`);
  const mapped = mapConventionTools(toolNames, knownTools);
  if (mapped.ignored.length > 0)
    warnings.push(
      `${lineOf('tools')}tool${mapped.ignored.length > 1 ? 's' : ''} ${mapped.ignored.map((t) => `"${t}"`).join(', ')} ignored: no tool of ours matches`,
    );
  const preferredModels = modelOf(convention, modelField, (w) => warnings.push(`${lineOf('model')}${w}`));
  const canEdit = mapped.tools.length === 0 || mapped.tools.includes('propose_edit');
  const input: AgentDefinitionInput = {
    id,
    description,
    capabilities: capabilities ?? conventionCapabilities(id, description, canEdit),
    tools: mapped.tools,
    preferredModels,
  };
  const def = AgentDefinitionSchema.safeParse(input);
  if (!def.success)
    return fail(
      label,
      def.error.issues.map((i) => `field "${i.path[0] === 'id' ? 'name' : String(i.path[0])}": ${i.message}`),
    );
  return {
    ok: true,
    agent: { definition: def.data, systemPrompt, sourceFile },
    warnings: warnings.map((w) => neutraliseText(`${label}: ${w}`).text),
  };
}

/**
 * Loads every agent file of one convention's folder under `root`. A missing folder means none; a
 * bad file is an error naming it; two files with one name are both skipped, as for our own folder.
 */
export async function loadConventionAgents(
  root: string,
  convention: AgentFileConvention,
  knownTools: readonly string[],
): Promise<{ agents: CustomAgentSpec[]; errors: string[]; warnings: string[] }> {
  const { dir, suffix } = CONVENTION_AGENT_FOLDERS[convention];
  const abs = path.join(root, ...dir.split('/'));
  let entries;
  try {
    entries = await fs.readdir(abs, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { agents: [], errors: [], warnings: [] };
    return { agents: [], errors: [`${dir}: cannot be read (${code ?? String(err)})`], warnings: [] };
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  const parsed: Array<{ label: string; agent: CustomAgentSpec }> = [];
  const files = entries.filter((e) => e.name.toLowerCase().endsWith(suffix)).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of files) {
    const label = `${dir}/${entry.name}`;
    if (!entry.isFile()) {
      errors.push(
        `${label}: ${entry.isSymbolicLink() ? 'is a symbolic link' : 'is not a regular file'}; agent files must be regular files`,
      );
      continue;
    }
    const file = path.join(abs, entry.name);
    const read = await readLimited(file);
    if (!read.ok) {
      errors.push(`${label}: ${read.error}`);
      continue;
    }
    const result = parseConventionAgentFile(convention, label, file, read.text, knownTools);
    if (!result.ok) {
      errors.push(result.error);
      continue;
    }
    warnings.push(...result.warnings);
    parsed.push({ label, agent: result.agent });
  }
  const labelsOf = new Map<string, string[]>();
  for (const p of parsed)
    labelsOf.set(p.agent.definition.id, [...(labelsOf.get(p.agent.definition.id) ?? []), p.label]);
  for (const [id, [first, ...others]] of labelsOf)
    for (const other of others)
      errors.push(`${other}: agent "${id}" is also defined in ${first}; rename one of them (neither is loaded)`);
  return {
    agents: parsed.filter((p) => labelsOf.get(p.agent.definition.id)?.length === 1).map((p) => p.agent),
    errors: errors.map((e) => neutraliseText(e).text),
    warnings,
  };
}

function modelOf(convention: AgentFileConvention, value: unknown, warn: (message: string) => void): string[] {
  if (value === undefined || value === null) return [];
  const names = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  const refs: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === 'inherit' || name === '') continue;
    const alias = convention === 'claude' ? CLAUDE_MODEL_ALIASES[name.toLowerCase()] : undefined;
    if (alias !== undefined) refs.push(alias);
    else if (parseModelRef(name) !== undefined) refs.push(name);
    else warn(`model "${name}" is ignored (write "provider/model", e.g. "openai/gpt-4o"); the run's model is used`);
  }
  if (names.length !== (Array.isArray(value) ? value.length : 1)) warn('field "model": expected a string; ignored');
  return refs;
}

function fail(label: string, problems: readonly string[]): ConventionAgentParseResult {
  return { ok: false, error: neutraliseText(problems.map((p) => `${label}: ${p}`).join('\n')).text };
}

function escape(key: string): string {
  return key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
