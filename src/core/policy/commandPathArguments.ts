import { PathRefusedError, resolveWorkspacePath } from './pathGuard';

/** Shell glob and brace characters: the shell turns such a word into paths the policy never sees. */
const GLOB = /[*?[\]{}]/;

/**
 * Why the argument words an allow rule's trailing `*` matched may reach outside the workspace, or
 * undefined when each stays inside: a glob (`ls *` expands to a child that may be a symlink out),
 * `~` or a variable (expanded by the shell), or a path (also an option's `=value`) that resolves
 * outside the root — `..`, an absolute path, a symlink leading out. Such a command is not allowed
 * by the rule; it asks instead. Commands run with the workspace root as their folder.
 */
export async function outsidePathArgument(root: string, words: readonly string[]): Promise<string | undefined> {
  for (const word of words) {
    const value = word.startsWith('-') ? (word.includes('=') ? word.slice(word.indexOf('=') + 1) : '') : word;
    if (value === '') continue;
    if (GLOB.test(value))
      return `the argument ${JSON.stringify(word)} is a glob, which the shell expands to paths the policy cannot check`;
    if (value.startsWith('~') || value.includes('$'))
      return `the argument ${JSON.stringify(word)} is expanded by the shell to a path the policy cannot check`;
    try {
      await resolveWorkspacePath(root, value);
    } catch (err) {
      if (!(err instanceof PathRefusedError)) throw err;
      return `the argument ${JSON.stringify(word)} names a path outside the workspace (${err.reason})`;
    }
  }
  return undefined;
}
