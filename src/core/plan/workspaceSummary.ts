import type { WorkspacePort } from '../tools/workspacePort';
import { clipToTokens, estimateContextTokens, TokenBudget, type TokenEstimator } from './contextBudget';
import { excerptFile, type ExcerptOptions } from './fileExcerpts';
import { renderFileTree } from './fileTree';
import { WorkspaceIndex, type RankedFile, type WorkspaceIndexOptions } from './workspaceIndex';

/** One part of what the planner is told about the workspace. */
export interface WorkspaceSection {
  kind: 'tree' | 'readme' | 'manifest' | 'ranking' | 'excerpt';
  /** The heading line, without the colon. */
  title: string;
  /** The file it shows, for README, manifests and excerpts. */
  path?: string;
  body: string;
}

/** What the planner is told about the workspace: sections in prompt order, within a token budget. */
export interface WorkspaceSummary {
  sections: WorkspaceSection[];
  /** Files ranked for the goal, best first (more than the excerpts may show). */
  ranked: RankedFile[];
  /** Files the workspace listed (ignore rules applied). */
  fileCount: number;
  /** The listing stopped at the index's file limit. */
  filesTruncated: boolean;
  /** Estimated tokens of {@link formatWorkspaceSummary}'s text; at most `budgetTokens`. */
  tokens: number;
  budgetTokens: number;
}

/** How a {@link WorkspaceSummariser} builds a summary. */
export interface WorkspaceSummaryOptions {
  /** Tokens the summary may take in the planner's prompt. Default {@link DEFAULT_CONTEXT_TOKENS}. */
  budgetTokens?: number;
  /** Counts tokens; {@link estimateContextTokens} by default. */
  estimateTokens?: TokenEstimator;
  /** Files listed in the ranking. Default 15. */
  rankedFiles?: number;
  /** Files the excerpts may come from, best first. Default 10. */
  excerptFiles?: number;
  /** Matching lines shown per file at most. Default 6. */
  linesPerFile?: number;
  excerpt?: ExcerptOptions;
  index?: WorkspaceIndexOptions;
}

/** The planner's default workspace budget: room for a tree, a README and a few files' best lines. */
export const DEFAULT_CONTEXT_TOKENS = 6000;

const README = /^readme(\.(md|markdown|txt|rst))?$/i;
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
/** Largest share of the budget each leading section may take; the excerpts get the rest. */
const SHARE = { tree: 0.3, readme: 0.15, manifests: 0.15, ranking: 0.06 };
/** Excerpts smaller than this are not worth a heading. */
const MIN_EXCERPT_TOKENS = 40;

/**
 * Builds the planner's view of one workspace for a goal, filling a token budget in order: the file
 * tree, the README and build manifests, the files ranked for the goal by a full-text index, then
 * the best-ranked files' matching lines with a little context, until the budget is spent. The
 * index lives as long as the summariser (one per engine, so per workspace root) and is refreshed
 * incrementally before each summary: only files whose size or mtime changed are read again.
 */
export class WorkspaceSummariser {
  /** The full-text index behind the ranking. */
  readonly index: WorkspaceIndex;

  /** `index` may be shared with another summariser of the same workspace (another budget, say). */
  constructor(
    private readonly workspace: WorkspacePort,
    private readonly options: WorkspaceSummaryOptions = {},
    index?: WorkspaceIndex,
  ) {
    this.index = index ?? new WorkspaceIndex(workspace, options.index);
  }

  /** The workspace as the planner should see it for `goal`. */
  async summarise(goal: string, signal?: AbortSignal): Promise<WorkspaceSummary> {
    const o = this.options;
    const budget = new TokenBudget(o.budgetTokens ?? DEFAULT_CONTEXT_TOKENS, o.estimateTokens ?? estimateContextTokens);
    await this.index.refresh(signal);
    const { files, truncated } = this.index.files;
    const ranked = this.index.rank(goal, Math.max(o.rankedFiles ?? 15, o.excerptFiles ?? 10));
    const sections: WorkspaceSection[] = [];
    const add = (section: WorkspaceSection, cap = Infinity): boolean => {
      if (!budget.take(sectionText(section), cap)) return false;
      sections.push(section);
      return true;
    };
    const shareOf = (share: number): number => Math.floor(budget.total * share);

    const treeTitle = `File tree (${files.length}${truncated ? '+' : ''} files; "name/ (N files)" is a collapsed folder)`;
    const treeRoom = Math.min(shareOf(SHARE.tree), budget.remaining) - budget.estimate(`${treeTitle}:\n\n\n`);
    const tree = renderFileTree(files, {
      maxTokens: treeRoom,
      estimate: budget.estimate,
      keep: ranked.slice(0, 10).map((r) => r.path),
    });
    if (tree !== undefined) add({ kind: 'tree', title: treeTitle, body: tree });

    const shownWhole = new Set<string>();
    const readmePath = files.find((f) => README.test(f));
    if (readmePath !== undefined)
      await this.addFile('readme', readmePath, shareOf(SHARE.readme), budget, add, shownWhole);
    let manifestRoom = shareOf(SHARE.manifests);
    for (const path of MANIFESTS.filter((m) => files.includes(m))) {
      const before = budget.spent;
      await this.addFile('manifest', path, manifestRoom, budget, add, shownWhole);
      manifestRoom -= budget.spent - before;
    }

    const title = 'Files most relevant to the goal, best first';
    if (ranked.length === 0) add({ kind: 'ranking', title, body: '(no file mentions the words of the goal)' });
    // As many of the best files as fit in the ranking's share.
    for (let n = Math.min(ranked.length, o.rankedFiles ?? 15); n > 0; n--) {
      const body = ranked
        .slice(0, n)
        .map((r, i) => `${i + 1}. ${r.path}`)
        .join('\n');
      if (add({ kind: 'ranking', title, body }, shareOf(SHARE.ranking))) break;
    }

    await this.addExcerpts(ranked, shownWhole, budget, add, signal);
    const summary = {
      sections,
      ranked,
      fileCount: files.length,
      filesTruncated: truncated,
      tokens: 0,
      budgetTokens: budget.total,
    };
    summary.tokens = budget.estimate(formatWorkspaceSummary(summary));
    return summary;
  }

  /** A README or manifest, clipped to its room; remembered in `shownWhole` when it was not cut. */
  private async addFile(
    kind: 'readme' | 'manifest',
    path: string,
    room: number,
    budget: TokenBudget,
    add: (section: WorkspaceSection, cap?: number) => boolean,
    shownWhole: Set<string>,
  ): Promise<void> {
    const content = await this.workspace.readFile(path).catch(() => undefined);
    if (content === undefined || content.trim() === '') return;
    const overhead = budget.estimate(`${path}:\n\n\n`);
    const body = clipToTokens(content.trimEnd(), Math.min(room, budget.remaining) - overhead, budget.estimate);
    if (body === undefined) return;
    if (add({ kind, title: path, path, body }, room) && body === content.trimEnd()) shownWhole.add(path);
  }

  /** The best-ranked files' matching lines, as many windows as fit, until the budget is spent. */
  private async addExcerpts(
    ranked: readonly RankedFile[],
    shownWhole: ReadonlySet<string>,
    budget: TokenBudget,
    add: (section: WorkspaceSection) => boolean,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const perFile = Math.max(4 * MIN_EXCERPT_TOKENS, Math.floor(budget.remaining / 3));
    for (const file of ranked.slice(0, this.options.excerptFiles ?? 10)) {
      signal?.throwIfAborted();
      if (budget.remaining < MIN_EXCERPT_TOKENS) return;
      if (shownWhole.has(file.path)) continue;
      const text = await this.workspace.readFile(file.path).catch(() => undefined);
      if (text === undefined) continue;
      const excerpt = excerptFile(text, new Set(file.terms), this.options.excerpt);
      const title = `Excerpt of ${file.path}`;
      for (let n = Math.min(excerpt.windows, this.options.linesPerFile ?? 6); n >= 1; n--) {
        const body = excerpt.render(n);
        if (body === '') break;
        const section: WorkspaceSection = { kind: 'excerpt', title, path: file.path, body };
        if (budget.estimate(sectionText(section)) <= perFile && add(section)) break;
        if (n === 1) {
          const room = Math.min(perFile, budget.remaining) - budget.estimate(`${title}:\n\n\n`);
          const clipped = room >= MIN_EXCERPT_TOKENS ? clipToTokens(body, room, budget.estimate) : undefined;
          if (clipped !== undefined) add({ ...section, body: clipped });
        }
      }
    }
  }
}

/** A one-off summary with a fresh index; an engine keeps a {@link WorkspaceSummariser} instead. */
export function summariseWorkspace(
  workspace: WorkspacePort,
  goal: string,
  options: WorkspaceSummaryOptions = {},
  signal?: AbortSignal,
): Promise<WorkspaceSummary> {
  return new WorkspaceSummariser(workspace, options).summarise(goal, signal);
}

/** The summary as prompt text: each section's heading, a colon, and its body; a blank line between sections. */
export function formatWorkspaceSummary(s: Pick<WorkspaceSummary, 'sections'>): string {
  return s.sections.map((x) => `${x.title}:\n${x.body}`).join('\n\n');
}

/** A section as it is charged to the budget: its text plus the blank line that separates it from the next. */
function sectionText(section: WorkspaceSection): string {
  return `${section.title}:\n${section.body}\n\n`;
}
