/**
 * The environment of commands an agent or a verification runs, built by allow-list (checklist 28):
 * a child process gets a small safe base set plus the names the user allow-listed, never the rest
 * of the parent's environment, so a provider key or a token cannot be printed into run events,
 * snapshots or the next model request.
 *
 * `NODE_OPTIONS` is not in the base set: it can `--require` any file, and the editor's own value
 * means nothing to a child. A user who needs it names it.
 */

/** Names every child keeps (when the parent has them). */
const BASE_NAMES: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TERM',
  'COLORTERM',
  'SHELL',
  'TMPDIR',
  'TEMP',
  'TMP',
  'TZ',
  'CI',
  'NO_COLOR',
  'FORCE_COLOR',
];

/** Windows needs these to start programs at all; names are compared ignoring case there. */
const WINDOWS_BASE_NAMES: readonly string[] = [
  'SystemRoot',
  'SystemDrive',
  'windir',
  'ComSpec',
  'PATHEXT',
  'USERPROFILE',
  'USERNAME',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'ProgramData',
  'ProgramFiles',
  'ProgramFiles(x86)',
  'CommonProgramFiles',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
  'OS',
];

/** Base-set patterns: the locale variables. */
const BASE_PATTERNS: readonly RegExp[] = [/^LC_[A-Z_]+$/];

/** A name the user may allow-list: a variable name, or a pattern with `*` (e.g. `MY_APP_*`). */
export function isPassableName(name: string): boolean {
  return /^[A-Za-z_*][A-Za-z0-9_*()]*$/.test(name);
}

/** Names that look like secrets; removed unless the user allow-lists that exact name. */
const SECRET_PATTERNS: readonly RegExp[] = [/_KEY$/i, /_TOKEN$/i, /_SECRET$/i, /PASSWORD/i, /^(KEY|TOKEN|SECRET)$/i];

/** How to build a child's environment. */
export interface ChildEnvironmentOptions {
  /**
   * Names the user allow-listed: an exact name (kept even if it looks like a secret) or a pattern
   * with `*` (e.g. `MY_APP_*`), which never brings back a name that looks like a secret.
   */
  pass?: readonly string[];
  /** Further names always removed unless passed by exact name, e.g. the provider table's key variables. */
  secretNames?: readonly string[];
  /** Platform whose rules apply; default the current one (Windows compares names ignoring case). */
  platform?: NodeJS.Platform;
}

/** True when a variable of this name is never handed to a child unless the user names it exactly. */
export function looksLikeSecret(name: string, secretNames: readonly string[] = []): boolean {
  const upper = name.toUpperCase();
  return secretNames.some((s) => s.toUpperCase() === upper) || SECRET_PATTERNS.some((p) => p.test(name));
}

/** The parent's variables a child may see: the base set and the user's names, minus secrets. */
export function childEnvironment(
  parent: Readonly<Record<string, string | undefined>>,
  options: ChildEnvironmentOptions = {},
): Record<string, string> {
  const keep = keptName(options);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && keep(name)) env[name] = value;
  }
  return env;
}

/**
 * The names of the parent's environment a child must not see. For a host whose task environment
 * is merged over the process's (VS Code tasks), setting each of them to `''` scrubs it.
 */
export function scrubbedNames(
  parent: Readonly<Record<string, string | undefined>>,
  options: ChildEnvironmentOptions = {},
): string[] {
  const keep = keptName(options);
  return Object.keys(parent).filter((name) => parent[name] !== undefined && !keep(name));
}

/** For VS Code tasks: every name the child must not see, set to the empty string. */
export function blankedEnvironment(
  parent: Readonly<Record<string, string | undefined>>,
  options: ChildEnvironmentOptions = {},
): Record<string, string> {
  return Object.fromEntries(scrubbedNames(parent, options).map((name) => [name, '']));
}

function keptName(options: ChildEnvironmentOptions): (name: string) => boolean {
  const windows = (options.platform ?? process.platform) === 'win32';
  const fold = (name: string): string => (windows ? name.toUpperCase() : name);
  const base = new Set([...BASE_NAMES, ...(windows ? WINDOWS_BASE_NAMES : [])].map(fold));
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of options.pass ?? []) {
    const name = entry.trim();
    if (name === '') continue;
    if (name.includes('*')) patterns.push(globRegExp(name, windows));
    else exact.add(fold(name));
  }
  const secretNames = options.secretNames ?? [];
  return (name) => {
    if (exact.has(fold(name))) return true;
    if (looksLikeSecret(name, secretNames)) return false;
    return base.has(fold(name)) || BASE_PATTERNS.some((p) => p.test(name)) || patterns.some((p) => p.test(name));
  };
}

function globRegExp(glob: string, ignoreCase: boolean): RegExp {
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
}
