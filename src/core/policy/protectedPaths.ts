import picomatch from 'picomatch';

/**
 * Paths whose edits always need a fresh human approval: editor and workspace settings (they can run
 * tasks and change this extension's own approval settings), git internals (hooks run code), secrets,
 * the config files of this and other agents and MCP servers, and package-manager settings that
 * change what a package script runs (a change to package.json's scripts is caught by content, in
 * `changesPackageScripts` of packageScripts.ts). Every entry matches at any depth,
 * because nested folders become workspace roots in multi-root setups.
 */
export const DEFAULT_PROTECTED_PATHS: readonly string[] = Object.freeze([
  '**/.vscode',
  '**/.vscode/**',
  '**/*.code-workspace',
  '**/.git',
  '**/.git/**',
  '**/.env*',
  '**/.env*/**',
  '**/.orchestrator',
  '**/.orchestrator/**',
  '**/.mcp.json',
  '**/mcp.json',
  '**/.cursor',
  '**/.cursor/**',
  '**/.cursorrules',
  '**/.clinerules*',
  '**/.clinerules*/**',
  '**/.roo',
  '**/.roo/**',
  '**/.claude',
  '**/.claude/**',
  '**/.windsurfrules',
  '**/.continue/**',
  '**/.github/copilot-instructions.md',
  '**/.devcontainer/**',
  // Instructions and configuration other agents read as trusted input (checklist 31).
  '**/AGENTS.md',
  '**/AGENT.md',
  '**/CLAUDE.md',
  '**/CLAUDE.local.md',
  '**/GEMINI.md',
  '**/.github/instructions/**',
  '**/.github/agents/**',
  '**/.github/prompts/**',
  '**/.github/chatmodes/**',
  '**/.gemini',
  '**/.gemini/**',
  '**/.codex',
  '**/.codex/**',
  '**/.aider*',
  '**/.aider*/**',
  '**/.windsurf',
  '**/.windsurf/**',
  '**/.zed',
  '**/.zed/**',
  '**/.kilocode',
  '**/.kilocode/**',
  '**/.kiro/**',
  '**/.amazonq/**',
  '**/.junie/**',
  '**/.goosehints',
  // Package-manager settings that decide what an allowed `npm test` runs (node-options, script-shell, yarnPath): checklist 27.
  '**/.npmrc',
  '**/.yarnrc',
  '**/.yarnrc.yml',
  '**/.yarn/plugins/**',
  '**/.yarn/releases/**',
  '**/.pnpmfile.cjs',
  '**/.pnpmfile.mjs',
  '**/bunfig.toml',
]);

/** Case-insensitive: on macOS and Windows `.VSCode/settings.json` is the same file as `.vscode/settings.json`. */
const PROTECTED_GLOB_OPTIONS = Object.freeze({ dot: true, nocase: true });

/** Returns the first glob in `globs` that a workspace-relative path matches, or undefined. */
export type ProtectedPathMatcher = (relative: string) => string | undefined;

/** Answers kept per matcher: every edit asks about the same few paths several times (propose, approve, apply). */
const MAX_REMEMBERED = 1024;

/**
 * Compiles a list of protected globs once; throws if a glob cannot be compiled. The answer for a
 * path is remembered (it depends on the path alone): testing 60-odd globs costs about a millisecond.
 */
export function createProtectedPathMatcher(globs: readonly string[]): ProtectedPathMatcher {
  const compiled = globs.map((glob) => ({ glob, test: picomatch(glob, PROTECTED_GLOB_OPTIONS) }));
  const answers = new Map<string, string | undefined>();
  return (relative) => {
    const normalized = normalizeRelative(relative);
    if (answers.has(normalized)) return answers.get(normalized);
    const glob = compiled.find((entry) => entry.test(normalized))?.glob;
    if (answers.size >= MAX_REMEMBERED) answers.clear();
    answers.set(normalized, glob);
    return glob;
  };
}

/** The defaults' matcher, compiled on first use rather than when the extension loads. */
let defaultsMatcher: ProtectedPathMatcher | undefined;
const matchDefaults: ProtectedPathMatcher = (relative) =>
  (defaultsMatcher ??= createProtectedPathMatcher(DEFAULT_PROTECTED_PATHS))(relative);

/** True when a workspace-relative path is protected by the defaults or by one of `extraGlobs`. */
export function isProtectedPath(relative: string, extraGlobs: readonly string[] = []): boolean {
  if (matchDefaults(relative) !== undefined) return true;
  return extraGlobs.length > 0 && extraMatcher(extraGlobs)(relative) !== undefined;
}

/** The last few extra glob lists, compiled: callers pass the same configured list on every check. */
const extraMatchers = new Map<string, ProtectedPathMatcher>();

function extraMatcher(globs: readonly string[]): ProtectedPathMatcher {
  const key = JSON.stringify(globs);
  let matcher = extraMatchers.get(key);
  if (!matcher) {
    if (extraMatchers.size >= 8) extraMatchers.clear();
    matcher = createProtectedPathMatcher(globs);
    extraMatchers.set(key, matcher);
  }
  return matcher;
}

/** Posix form without a leading "./", so "./.vscode\\settings.json" is checked as ".vscode/settings.json". */
function normalizeRelative(relative: string): string {
  let normalized = relative.replace(/\\/g, '/');
  while (normalized.startsWith('./')) normalized = normalized.slice(2);
  return normalized.replace(/\/+/g, '/');
}
