/**
 * Commands that run code given on their own command line, or a package fetched or named at run
 * time: `node -e`, `python -c`, `bash -c`, `npx`, `npm exec`, `pnpm dlx`, `yarn dlx`… No rule can
 * vouch for such a command, whatever its prefix, so the policy always asks for it (checklist 27).
 */

/** Interpreters and the flags that hand them code inline. */
const INLINE_CODE_FLAGS: ReadonlyMap<string, readonly string[]> = new Map([
  ['node', ['-e', '--eval', '-p', '--print']],
  ['nodejs', ['-e', '--eval', '-p', '--print']],
  ['bun', ['-e', '--eval', '-p', '--print']],
  ['deno', ['eval']],
  ['perl', ['-e', '-E']],
  ['ruby', ['-e']],
  ['php', ['-r']],
  ['lua', ['-e']],
  ['rscript', ['-e']],
  ['osascript', ['-e']],
  ['pwsh', ['-c', '-command', '-encodedcommand', '-ec']],
  ['powershell', ['-c', '-command', '-encodedcommand', '-ec']],
  ['cmd', ['/c', '/k']],
]);

/** Shells: any short-flag cluster containing `c` (`-c`, `-lc`, `-xc`) takes code. */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'eval']);

/** Package runners that fetch or run a named package binary. */
const PACKAGE_RUNNERS: readonly (readonly string[])[] = [
  ['npx'],
  ['bunx'],
  ['pnpx'],
  ['npm', 'exec'],
  ['npm', 'x'],
  ['pnpm', 'dlx'],
  ['pnpm', 'exec'],
  ['yarn', 'dlx'],
  ['yarn', 'exec'],
  ['bun', 'x'],
];

/** Why this argv runs inline code or a fetched package, or undefined when it does not. */
export function inlineCodeReason(argv: readonly string[]): string | undefined {
  const [program = '', ...args] = argv;
  const name = (program.split(/[\\/]/).pop() ?? program).toLowerCase().replace(/\.exe$/, '');
  const interpreter = /^python[0-9.]*$/.test(name) ? 'python' : name;
  if (interpreter === 'python' && args.some((a) => a === '-c' || /^-[A-Za-z]*c$/.test(a))) {
    return `${program} -c runs code given on the command line`;
  }
  if (SHELLS.has(name)) {
    if (name === 'eval' || args.some((a) => /^-[A-Za-z]*c[A-Za-z]*$/.test(a))) {
      return `${program} runs shell code given on the command line`;
    }
  }
  const flags = INLINE_CODE_FLAGS.get(name);
  if (flags !== undefined) {
    const hit = args.find((a) => {
      const lower = a.toLowerCase();
      return flags.some((f) => lower === f || lower.startsWith(`${f}=`));
    });
    if (hit !== undefined) return `${program} ${hit} runs code given on the command line`;
  }
  for (const runner of PACKAGE_RUNNERS) {
    if (runner.every((word, i) => (i === 0 ? name : argv[i]) === word)) {
      return `${runner.join(' ')} runs a package's program, which may be downloaded or rewritten`;
    }
  }
  return undefined;
}
