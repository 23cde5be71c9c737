import type { WorkspaceSection, WorkspaceSummary } from '../../src/core/plan/workspaceSummary';

/** A fixed workspace summary for a planner test: a ranking of `files` (best first) plus any extra sections. */
export function workspaceSummaryOf(files: readonly string[], extra: WorkspaceSection[] = []): WorkspaceSummary {
  const ranking: WorkspaceSection = {
    kind: 'ranking',
    title: 'Files most relevant to the goal, best first',
    body: files.map((f, i) => `${i + 1}. ${f}`).join('\n'),
  };
  return {
    sections: [ranking, ...extra],
    ranked: files.map((path, i) => ({ path, score: files.length - i, terms: [] })),
    fileCount: files.length,
    filesTruncated: false,
    tokens: 0,
    budgetTokens: 6000,
  };
}
