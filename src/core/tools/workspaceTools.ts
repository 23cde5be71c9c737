import { z } from 'zod';
import type { TextMatch } from './workspacePort';
import { checkToolPolicy } from './checkToolPolicy';
import type { ToolContext } from './toolContext';
import { defineTool } from './toolDefinition';
import type { ToolDefinition } from './toolDefinition';
import { errorResult, textResult } from './toolResults';
import { globLeavesWorkspace, globOutsideMessage, MAX_QUERY_CHARS, toolPathArg } from './toolArgLimits';
import { lazySchema } from '../common/lazySchema';

/** Most characters of file text one read_file call returns. */
export const READ_FILE_MAX_CHARS = 100_000;
/** Most lines one read_file call returns. */
export const READ_FILE_MAX_LINES = 2000;
/** Characters of one line shown before it is cut. */
const MAX_LINE_CHARS = 2000;

const ReadFileArgs = lazySchema(() =>
  z.strictObject({
    path: toolPathArg('Workspace-relative path of the file, e.g. "src/app.ts".'),
    startLine: z.number().int().min(1).optional().describe('First line to show (1-based). Default 1.'),
    endLine: z.number().int().min(1).optional().describe('Last line to show (inclusive). Default: as many as fit.'),
  }),
);

/** read_file: a numbered window of a text file, after the policy's read check. */
export const readFileTool = defineTool<ToolContext, typeof ReadFileArgs>({
  name: 'read_file',
  description:
    'Read a text file of the workspace. Lines come numbered as "<n>\\t<text>"; the numbers are not part of the file, ' +
    `so never copy them into an edit. At most ${READ_FILE_MAX_LINES} lines or ${READ_FILE_MAX_CHARS / 1000} KB per call; use startLine/endLine for more.`,
  parameters: ReadFileArgs,
  async run(args, ctx) {
    if (args.endLine !== undefined && args.endLine < (args.startLine ?? 1)) {
      return errorResult(`endLine (${args.endLine}) is before startLine (${args.startLine ?? 1}).`);
    }
    const verdict = await ctx.policy.evaluate({ kind: 'read', tool: 'read_file', path: args.path });
    if (verdict.decision !== 'allow') {
      const why = verdict.decision === 'deny' ? 'is not allowed' : 'needs an approval, which reads cannot ask for';
      return errorResult(`Reading ${args.path} ${why}: ${verdict.reason}`);
    }
    const path = verdict.resolvedPath?.relative ?? args.path;
    const text = await ctx.workspace.readFile(path);
    if (text === undefined)
      return errorResult(`${path} does not exist. Use list_files or search_text to find the right path.`);
    if (text === '') return textResult(`${path} is empty.`);
    const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
    const start = args.startLine ?? 1;
    if (start > lines.length)
      return errorResult(`${path} has only ${lines.length} lines; startLine ${start} is past its end.`);
    const last = Math.min(args.endLine ?? lines.length, lines.length, start + READ_FILE_MAX_LINES - 1);
    const out: string[] = [];
    let size = 0;
    let shownTo = start - 1;
    for (let n = start; n <= last; n++) {
      const raw = lines[n - 1] ?? '';
      const line = `${n}\t${raw.length > MAX_LINE_CHARS ? `${raw.slice(0, MAX_LINE_CHARS)}… [line cut at ${MAX_LINE_CHARS} characters]` : raw}`;
      if (size + line.length + 1 > READ_FILE_MAX_CHARS && out.length > 0) break;
      out.push(line);
      size += line.length + 1;
      shownTo = n;
    }
    const header = `${path} (lines ${start}-${shownTo} of ${lines.length})`;
    const more =
      shownTo < lines.length && shownTo < (args.endLine ?? Number.POSITIVE_INFINITY)
        ? `\n[truncated: call read_file with startLine ${shownTo + 1} for the rest]`
        : '';
    return textResult(`${header}\n${out.join('\n')}${more}`);
  },
});

const ListFilesArgs = lazySchema(() =>
  z.strictObject({
    glob: z
      .string()
      .min(1)
      .max(MAX_QUERY_CHARS, `a glob must be at most ${MAX_QUERY_CHARS} characters`)
      .optional()
      .describe(
        'Glob over workspace-relative paths, e.g. "src/**/*.ts" or "*.md" (any depth); a folder path lists that folder. Default: all files.',
      ),
    limit: z.number().int().min(1).max(1000).optional().describe('Most files to return. Default 200.'),
  }),
);

/** list_files: workspace files matching a glob, honouring ignore rules, bounded. */
export const listFilesTool = defineTool<ToolContext, typeof ListFilesArgs>({
  name: 'list_files',
  description:
    'List files of the workspace (ignored files such as node_modules are left out), optionally filtered by a glob.',
  parameters: ListFilesArgs,
  async run(args, ctx) {
    const refused = await checkToolPolicy(ctx, 'list_files');
    if (refused) return refused;
    if (args.glob !== undefined && globLeavesWorkspace(args.glob)) return errorResult(globOutsideMessage(args.glob));
    const limit = args.limit ?? 200;
    const listed = await ctx.workspace.listFiles(args.glob, limit);
    const { truncated } = listed;
    // The orchestrator's own state folder is not shown, even when it lies inside the workspace.
    const hidden = await Promise.all(
      listed.files.map(async (path) => (await ctx.policy.evaluate({ kind: 'read', tool: 'list_files', path })).hidden),
    );
    const files = listed.files.filter((_, i) => hidden[i] !== true);
    const what = args.glob === undefined ? 'the workspace' : `"${args.glob}"`;
    if (files.length === 0)
      return textResult(
        truncated
          ? `No files of ${what} found before the listing was cut short; use a narrower glob.`
          : `No files match ${what}.`,
      );
    const note = truncated ? `\n[truncated: more files match ${what}; narrow the glob or raise the limit]` : '';
    return textResult(`${files.join('\n')}${note}`);
  },
});

const SearchTextArgs = lazySchema(() =>
  z.strictObject({
    query: z
      .string()
      .min(1)
      .max(
        MAX_QUERY_CHARS,
        `a query must be at most ${MAX_QUERY_CHARS} characters; search for a shorter, distinctive part`,
      )
      .describe('Text to find (case-sensitive), or a JavaScript regular expression when regex is true.'),
    glob: z
      .string()
      .min(1)
      .max(MAX_QUERY_CHARS, `a glob must be at most ${MAX_QUERY_CHARS} characters`)
      .optional()
      .describe('Only search files matching this glob, e.g. "src/**/*.ts".'),
    regex: z.boolean().optional().describe('Treat query as a regular expression. Default false.'),
    limit: z.number().int().min(1).max(500).optional().describe('Most matching lines to return. Default 100.'),
  }),
);

/** search_text: matching lines across the workspace; hits in files the policy forbids reading are hidden. */
export const searchTextTool = defineTool<ToolContext, typeof SearchTextArgs>({
  name: 'search_text',
  description: 'Search the text files of the workspace line by line; returns "path:line: text" for each match.',
  parameters: SearchTextArgs,
  async run(args, ctx) {
    const refused = await checkToolPolicy(ctx, 'search_text');
    if (refused) return refused;
    if (args.glob !== undefined && globLeavesWorkspace(args.glob)) return errorResult(globOutsideMessage(args.glob));
    const limit = args.limit ?? 100;
    const options = {
      limit,
      ...(args.glob === undefined ? {} : { glob: args.glob }),
      ...(args.regex === undefined ? {} : { regex: args.regex }),
    };
    let found: { matches: TextMatch[]; truncated: boolean };
    try {
      found = await ctx.workspace.searchText(args.query, options);
    } catch (err) {
      // An invalid or too slow regex, or a bad glob: the model can fix its arguments.
      if (err instanceof Error && err.name !== 'AbortError') return errorResult(err.message);
      throw err;
    }
    // A search must not leak what read_file would refuse (a deny rule on .env, say).
    const readable = new Map<string, boolean>();
    for (const path of new Set(found.matches.map((m) => m.path))) {
      const verdict = await ctx.policy.evaluate({ kind: 'read', tool: 'search_text', path });
      readable.set(path, verdict.decision === 'allow');
    }
    const shown = found.matches.filter((m) => readable.get(m.path) === true);
    const hidden = found.matches.length - shown.length;
    const lines = shown.map((m) => `${m.path}:${m.line}: ${m.text}`);
    if (hidden > 0)
      lines.push(
        `[${hidden} match${hidden === 1 ? '' : 'es'} in files you may not read ${hidden === 1 ? 'was' : 'were'} left out]`,
      );
    if (found.truncated) lines.push(`[truncated: there are more matches; narrow the query or the glob]`);
    if (shown.length === 0 && hidden === 0)
      return textResult(
        `No matches for ${JSON.stringify(args.query)}${args.glob === undefined ? '' : ` in "${args.glob}"`}.${found.truncated ? ' The search was cut short; narrow the glob.' : ''}`,
      );
    return textResult(lines.join('\n'));
  },
});

/** The read-only workspace tools. */
export function workspaceTools(): ToolDefinition<ToolContext>[] {
  return [readFileTool, listFilesTool, searchTextTool];
}
