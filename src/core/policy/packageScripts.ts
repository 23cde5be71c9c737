import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * A package script is whatever `package.json` says at the moment it runs, and an agent can edit
 * `package.json`. So an allow rule for `npm test` or `npm run <name>` holds only while the script
 * (with its `pre`/`post` scripts) is the text recorded when the engine was built (checklist 27).
 */

/** Reads the scripts of the workspace's `package.json`; an unreadable file has none. */
export interface PackageScriptsPort {
  scripts(): Promise<Readonly<Record<string, string>>>;
}

/** The scripts of `<root>/package.json`. */
export function packageJsonScripts(root: string): PackageScriptsPort {
  return {
    async scripts() {
      let text: string;
      try {
        text = await readFile(path.join(root, 'package.json'), 'utf8');
      } catch {
        return {};
      }
      const parsed: unknown = JSON.parse(text);
      const scripts = (parsed as { scripts?: unknown } | null)?.scripts;
      if (typeof scripts !== 'object' || scripts === null) return {};
      return Object.fromEntries(
        Object.entries(scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    },
  };
}

/** npm's shorthands for running the `test` script. */
const TEST_ALIASES = new Set(['test', 't', 'tst']);

/** The package script an npm command runs (`npm test`, `npm run lint`), or undefined. */
export function packageScriptOf(argv: readonly string[]): string | undefined {
  const [program, verb, name] = argv;
  if (program !== 'npm' || verb === undefined) return undefined;
  if (TEST_ALIASES.has(verb)) return 'test';
  if (verb === 'start' || verb === 'stop' || verb === 'restart') return verb;
  if ((verb === 'run' || verb === 'run-script' || verb === 'rum' || verb === 'urn') && name !== undefined) return name;
  return undefined;
}

/** What runs for a script: its text and its `pre`/`post` scripts', as one comparable string. */
export function scriptText(scripts: Readonly<Record<string, string>>, name: string): string {
  return JSON.stringify([scripts[`pre${name}`] ?? null, scripts[name] ?? null, scripts[`post${name}`] ?? null]);
}

/** The texts of the named scripts now, for the engine to compare against later. */
export async function recordScripts(
  port: PackageScriptsPort,
  names: Iterable<string>,
): Promise<ReadonlyMap<string, string>> {
  let scripts: Readonly<Record<string, string>>;
  try {
    scripts = await port.scripts();
  } catch {
    scripts = {};
  }
  return new Map([...names].map((name) => [name, scriptText(scripts, name)]));
}

/**
 * Whether an edit changes what a package script runs: `path` is a `package.json` (at any depth: a
 * workspace package's scripts run too) and its `scripts` differ before and after, including a
 * file created or deleted with scripts. Text that is not JSON has no readable scripts and differs
 * from any that has (fail closed). Such an edit needs a fresh human approval, like a protected path: otherwise an agent
 * with auto-approved edits rewrites `test` and the configured `npm test` check runs it.
 */
export function changesPackageScripts(path: string, before: string | undefined, after: string | undefined): boolean {
  if (!/(^|[\\/])package\.json$/i.test(path)) return false;
  return scriptsOf(before) !== scriptsOf(after);
}

/** The `scripts` of a package.json text as canonical JSON; `{}` when absent, undefined when the text is not JSON. */
function scriptsOf(text: string | undefined): string | undefined {
  if (text === undefined) return '{}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const scripts = (parsed as { scripts?: unknown } | null)?.scripts;
  if (scripts === undefined) return '{}';
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) return JSON.stringify(scripts);
  const entries = Object.entries(scripts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}
