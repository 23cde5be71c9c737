import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { neutraliseText } from '../common/visibleText';
import { parseModelRef } from '../route/modelRef';
import { AgentDefinitionSchema, type AgentDefinition, type AgentDefinitionInput } from '../model/agentDefinition';
import { parseCustomAgentFrontmatter } from './customAgentFrontmatter';
import { lazySchema } from '../common/lazySchema';
import { isMcpToolName } from '../tools/mcpToolNames';

/** A custom agent read from `.orchestrator/agents/<name>.md`. */
export interface CustomAgentSpec {
  /** Validated, defaults filled in; ready for the registry. */
  definition: AgentDefinition;
  /** The Markdown body of the file, trimmed. */
  systemPrompt: string;
  /** The file it came from, so a view can open it. */
  sourceFile: string;
}

/** The answer for one file: the agent, or an error naming the file and the field. */
export type CustomAgentParseResult = { ok: true; agent: CustomAgentSpec } | { ok: false; error: string };

/** What parsing may check against. */
export interface CustomAgentOptions {
  /** Tool names agents may list; when given, any other name in `tools` is an error. */
  knownTools?: readonly string[];
}

/** Options of `loadCustomAgents`. */
export interface LoadCustomAgentsOptions extends CustomAgentOptions {
  /** How errors name the folder, e.g. `.orchestrator/agents` for a workspace-relative message; default `dir`. */
  displayDir?: string;
}

/** Larger files are refused unread: a system prompt has no business being that long. */
export const MAX_CUSTOM_AGENT_FILE_BYTES = 256 * 1024;

/** The frontmatter keys a custom agent file may use, in the order the docs list them. */
export const CUSTOM_AGENT_FIELDS = [
  'name',
  'description',
  'capabilities',
  'synonyms',
  'tools',
  'model',
  'maxConcurrent',
  'priority',
  'temperature',
] as const;

const nonEmptyString = lazySchema(() =>
  z.string({ error: 'expected a non-empty string' }).trim().min(1, 'expected a non-empty string'),
);
const stringList = (example: string): z.ZodType<string[]> =>
  z.array(nonEmptyString, {
    error: (iss) =>
      iss.input === undefined ? `is required, e.g. ${example}` : `expected a list of strings, e.g. ${example}`,
  });
const wholeNumber = (min: number, max: number): z.ZodType<number> => {
  const msg = `expected a whole number from ${min} to ${max}`;
  return z.number({ error: msg }).int(msg).min(min, msg).max(max, msg);
};

const FrontmatterSchema = lazySchema(() =>
  z.object({
    name: z.string({
      error: (iss) => (iss.input === undefined ? 'is required; it becomes the agent id' : 'expected a string'),
    }),
    description: z.string({ error: 'expected a string' }).optional(),
    capabilities: stringList('[code, review]'),
    synonyms: stringList('[coding, implementation]').optional(),
    tools: stringList('[read_file, search_text]').optional(),
    model: z
      .string({ error: 'expected a string "provider/model", e.g. "openai/gpt-4o"' })
      .refine((m) => parseModelRef(m) !== undefined, 'expected "provider/model", e.g. "openai/gpt-4o"')
      .optional(),
    maxConcurrent: wholeNumber(1, 256).optional(),
    priority: wholeNumber(0, 100).optional(),
    temperature: z
      .number({ error: 'expected a number from 0 to 2, e.g. 0.7 (leave it out for 0, which makes answers cacheable)' })
      .min(0, 'expected a number from 0 to 2')
      .max(2, 'expected a number from 0 to 2')
      .optional(),
  }),
);

/** Definition fields that come from a differently named frontmatter key. */
const FIELD_OF: Record<string, string> = { id: 'name', maxLoad: 'maxConcurrent', preferredModels: 'model' };

/**
 * Parses one custom agent file: YAML frontmatter (name, description, capabilities, synonyms, tools,
 * model, maxConcurrent, priority, temperature) between `---` lines, then the system prompt as Markdown. Every problem
 * found is reported, one line each, starting with `fileName` and naming the field.
 */
export function parseCustomAgentFile(
  fileName: string,
  text: string,
  options: CustomAgentOptions = {},
): CustomAgentParseResult {
  const result = parseLabelled(fileName, fileName, text, options);
  return result.ok ? result : { ok: false, error: neutraliseText(result.error).text };
}

/**
 * Loads every `*.md` file of `dir` (not recursive; other files are ignored) as a custom agent.
 * A missing folder means no custom agents. A bad file is skipped with an error; agents whose
 * names clash are all skipped, since picking one would depend on file names.
 */
export async function loadCustomAgents(
  dir: string,
  options: LoadCustomAgentsOptions = {},
): Promise<{ agents: CustomAgentSpec[]; errors: string[] }> {
  const shown = (name: string): string => `${(options.displayDir ?? dir).replace(/[\\/]+$/, '')}/${name}`;
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { agents: [], errors: [] };
    const why = code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code ?? String(err)})`;
    return { agents: [], errors: [`${options.displayDir ?? dir}: ${why}`] };
  }
  const files = entries
    .filter((e) => e.name.toLowerCase().endsWith('.md'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const errors: string[] = [];
  const parsed: Array<{ label: string; agent: CustomAgentSpec }> = [];
  for (const entry of files) {
    const label = shown(entry.name);
    // A link could pull any file of the machine into a prompt sent to a model.
    if (entry.isSymbolicLink()) {
      errors.push(`${label}: is a symbolic link; custom agent files must be regular files`);
      continue;
    }
    if (!entry.isFile()) {
      errors.push(`${label}: is not a regular file`);
      continue;
    }
    const read = await readLimited(path.join(dir, entry.name));
    if (!read.ok) {
      errors.push(`${label}: ${read.error}`);
      continue;
    }
    const result = parseLabelled(label, path.join(dir, entry.name), read.text, options);
    if (result.ok) parsed.push({ label, agent: result.agent });
    else errors.push(result.error);
  }

  const byId = new Map<string, string[]>();
  for (const p of parsed) byId.set(p.agent.definition.id, [...(byId.get(p.agent.definition.id) ?? []), p.label]);
  for (const [id, labels] of byId) {
    const [first, ...others] = labels;
    for (const other of others) {
      errors.push(
        `${other}: field "name": agent "${id}" is already defined in ${first}; rename one of them (neither is loaded)`,
      );
    }
  }
  const agents = parsed.filter((p) => (byId.get(p.agent.definition.id) ?? []).length === 1).map((p) => p.agent);
  // Errors quote file names, keys and values of workspace files: escapes in them must not reach a terminal.
  return { agents, errors: errors.map((e) => neutraliseText(e).text) };
}

function parseLabelled(
  label: string,
  sourceFile: string,
  text: string,
  options: CustomAgentOptions,
): CustomAgentParseResult {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_CUSTOM_AGENT_FILE_BYTES) return { ok: false, error: `${label}: ${tooLarge(size)}` };
  const front = parseCustomAgentFrontmatter(text);
  if (!front.ok) return { ok: false, error: `${label}: ${front.error}` };

  const problems: string[] = [];
  const unknown = Object.keys(front.fields).filter((k) => !(CUSTOM_AGENT_FIELDS as readonly string[]).includes(k));
  for (const key of unknown)
    problems.push(`field "${key}" is not allowed${suggest(key)}; allowed fields: ${CUSTOM_AGENT_FIELDS.join(', ')}`);

  const fm = FrontmatterSchema.safeParse(front.fields);
  if (!fm.success) {
    for (const issue of fm.error.issues) {
      const [field, index] = issue.path;
      const item = typeof index === 'number' ? ` item ${index + 1}` : '';
      problems.push(`field "${String(field)}"${item}: ${issue.message}`);
    }
  }
  const systemPrompt = front.body.trim();
  if (!systemPrompt)
    problems.push('the system prompt is empty; write the agent\'s instructions as Markdown below the closing "---"');
  if (fm.success && options.knownTools) {
    const known = new Set(options.knownTools);
    // MCP tools (`mcp__<server>__<tool>` or `mcp__<server>__*`) are known only once their server runs.
    const bad = (fm.data.tools ?? []).filter((t) => !known.has(t) && !isMcpToolName(t));
    if (bad.length > 0) {
      problems.push(
        `field "tools": unknown tool${bad.length > 1 ? 's' : ''} ${bad.map((t) => `"${t}"`).join(', ')}; known tools: ${[...known].join(', ')}`,
      );
    }
  }
  if (!fm.success || problems.length > 0) return failure(label, problems);

  const input: AgentDefinitionInput = {
    id: fm.data.name,
    description: fm.data.description ?? '',
    capabilities: fm.data.capabilities,
    synonyms: fm.data.synonyms ?? [],
    tools: fm.data.tools ?? [],
    preferredModels: fm.data.model === undefined ? [] : [fm.data.model],
    ...(fm.data.maxConcurrent === undefined ? {} : { maxLoad: fm.data.maxConcurrent }),
    ...(fm.data.priority === undefined ? {} : { priority: fm.data.priority }),
    ...(fm.data.temperature === undefined ? {} : { temperature: fm.data.temperature }),
  };
  const def = AgentDefinitionSchema.safeParse(input);
  if (!def.success) {
    return failure(
      label,
      def.error.issues.map((i) => {
        const key = String(i.path[0] ?? 'name');
        return `field "${FIELD_OF[key] ?? key}": ${i.message}`;
      }),
    );
  }
  return { ok: true, agent: { definition: def.data, systemPrompt, sourceFile } };
}

function failure(label: string, problems: readonly string[]): CustomAgentParseResult {
  return { ok: false, error: problems.map((p) => `${label}: ${p}`).join('\n') };
}

/** "did you mean" for the usual slips: case, `max_concurrent`, `max-concurrent`. */
function suggest(key: string): string {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  const match = CUSTOM_AGENT_FIELDS.find((f) => norm(f) === norm(key));
  return match ? ` (did you mean "${match}"?)` : '';
}

function tooLarge(bytes: number): string {
  return `the file is ${Math.ceil(bytes / 1024)} KB; custom agent files may be at most ${MAX_CUSTOM_AGENT_FILE_BYTES / 1024} KB`;
}

/** Reads a regular file without following a link, refusing it by size before reading and if it is not UTF-8. */
export async function readLimited(file: string): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  let handle: fs.FileHandle | undefined;
  try {
    // O_NOFOLLOW closes the gap between listing the folder and opening the file (absent on Windows).
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, error: 'is not a regular file' };
    if (stat.size > MAX_CUSTOM_AGENT_FILE_BYTES) return { ok: false, error: tooLarge(stat.size) };
    const bytes = await handle.readFile();
    if (bytes.length > MAX_CUSTOM_AGENT_FILE_BYTES) return { ok: false, error: tooLarge(bytes.length) };
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return { ok: false, error: 'is not valid UTF-8 text; save it with UTF-8 encoding' };
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { ok: false, error: 'is a symbolic link; custom agent files must be regular files' };
    return { ok: false, error: `cannot be read (${code ?? String(err)})` };
  } finally {
    await handle?.close();
  }
}
