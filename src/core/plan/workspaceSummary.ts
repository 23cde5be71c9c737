import type { WorkspacePort } from '../tools/workspacePort';

/** What the planner is told about the workspace. */
export interface WorkspaceSummary {
  files: string[];
  filesTruncated: boolean;
  readme?: string;
  manifests: Array<{ path: string; content: string }>;
  snippets: Array<{ path: string; line: number; text: string }>;
}

const MANIFESTS = [
  'package.json',
  'tsconfig.json',
  'pyproject.toml',
  'requirements.txt',
  'Cargo.toml',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'Makefile',
];
const STOP_WORDS = new Set([
  'with',
  'that',
  'this',
  'from',
  'into',
  'have',
  'will',
  'should',
  'make',
  'them',
  'their',
  'there',
  'when',
  'what',
  'which',
  'tests',
  'test',
  'code',
  'file',
  'files',
  'and',
  'the',
  'for',
  'add',
]);

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
}

/**
 * Gathers what a planner needs to plan well and no more: the file tree, the README, the build
 * manifests and the lines that mention the goal's words, each bounded so the prompt stays small.
 */
export async function summariseWorkspace(
  workspace: WorkspacePort,
  goal: string,
  limits = { files: 300, readmeChars: 4000, manifestChars: 3000, snippets: 30 },
): Promise<WorkspaceSummary> {
  const { files, truncated } = await workspace.listFiles(undefined, limits.files);
  const readmePath = files.find((f) => /^readme(\.md|\.txt|\.rst)?$/i.test(f));
  const readme = readmePath ? await workspace.readFile(readmePath) : undefined;
  const manifests: WorkspaceSummary['manifests'] = [];
  for (const path of MANIFESTS.filter((m) => files.includes(m))) {
    const content = await workspace.readFile(path);
    if (content !== undefined) manifests.push({ path, content: clip(content, limits.manifestChars) });
  }
  const words = [...new Set(goal.toLowerCase().match(/[a-z][a-z0-9_]{3,}/g) ?? [])]
    .filter((w) => !STOP_WORDS.has(w))
    .slice(0, 5);
  const snippets: WorkspaceSummary['snippets'] = [];
  for (const word of words) {
    const { matches } = await workspace.searchText(word, {
      limit: Math.ceil(limits.snippets / Math.max(1, words.length)),
    });
    snippets.push(...matches.map((m) => ({ path: m.path, line: m.line, text: m.text.trim().slice(0, 200) })));
  }
  return {
    files,
    filesTruncated: truncated,
    ...(readme !== undefined ? { readme: clip(readme, limits.readmeChars) } : {}),
    manifests,
    snippets: snippets.slice(0, limits.snippets),
  };
}

/** The summary as prompt text. */
export function formatWorkspaceSummary(s: WorkspaceSummary): string {
  const parts = [`Files (${s.files.length}${s.filesTruncated ? ', truncated' : ''}):\n${s.files.join('\n')}`];
  if (s.readme) parts.push(`README:\n${s.readme}`);
  for (const m of s.manifests) parts.push(`${m.path}:\n${m.content}`);
  if (s.snippets.length > 0)
    parts.push(`Lines mentioning the goal:\n${s.snippets.map((x) => `${x.path}:${x.line}: ${x.text}`).join('\n')}`);
  return parts.join('\n\n');
}
