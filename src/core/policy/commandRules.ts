import { parse } from 'shell-quote';
import type { ParseEntry } from 'shell-quote';
import { scanShell } from './shellScan';

/** A shell command split into the commands it would run. */
export interface ParsedCommand {
  /** argv of every sub-command, including those inside `$(...)` and backticks. */
  subcommands: string[][];
  /** True when the command chains, pipes, redirects, substitutes, comments or spans lines; such a command never matches an allow rule. */
  hasOperators: boolean;
  /** False for unbalanced quotes or substitutions, or anything shell-quote rejects; such a command is denied. */
  parseable: boolean;
}

/** A rule's command pattern: literal leading words, optionally followed by `*` for any remaining words. */
export interface CommandPattern {
  /** The pattern as written in the rule. */
  source: string;
  /** Words that must equal the first argv words. */
  words: readonly string[];
  /** True when the pattern ends in `*`, so extra (or no) further words are accepted. */
  rest: boolean;
}

/** Programs that run another program given in their arguments; deny rules look at every argument suffix. */
const COMMAND_RUNNERS = new Set([
  'env',
  'command',
  'builtin',
  'exec',
  'nohup',
  'time',
  'nice',
  'ionice',
  'timeout',
  'stdbuf',
  'xargs',
  'setsid',
  'unbuffer',
  'watch',
  'flock',
  'find',
  'parallel',
  'caffeinate',
  'chroot',
  'sudo',
  'doas',
]);

/** Programs whose arguments are themselves shell code (`bash -c '...'`, `eval ...`). */
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'eval']);

/** Keeps `$NAME` literal: shell-quote would otherwise expand unknown variables to nothing and shift argv. */
const keepVariables = (name: string): string => `$${name}`;

/** Splits a posix shell command into sub-commands with shell-quote, conservatively flagging anything that is not one simple command. */
export function splitCommand(command: string): ParsedCommand {
  const scan = scanShell(command);
  if (!scan.balanced) return { subcommands: [], hasOperators: scan.sawOperator, parseable: false };
  const subcommands: string[][] = [];
  let hasOperators = scan.sawOperator;
  for (const segment of scan.segments) {
    let entries: ParseEntry[];
    try {
      entries = parse(segment, keepVariables);
    } catch {
      return { subcommands: [], hasOperators, parseable: false };
    }
    let argv: string[] = [];
    for (const entry of entries) {
      if (typeof entry === 'string') {
        argv.push(entry);
      } else if ('op' in entry) {
        if (entry.op === 'glob') {
          argv.push(entry.pattern);
        } else {
          hasOperators = true;
          if (argv.length > 0) subcommands.push(argv);
          argv = [];
        }
      } else {
        // scanShell escapes every '#', so a comment here means shell-quote read something we did not: check it too.
        hasOperators = true;
        const inner = splitCommand(entry.comment);
        if (!inner.parseable) return { subcommands: [], hasOperators, parseable: false };
        subcommands.push(...inner.subcommands);
      }
    }
    if (argv.length > 0) subcommands.push(argv);
  }
  return { subcommands, hasOperators, parseable: true };
}

/** Parses a rule's command pattern such as `npm test`, `npm run *` or `git status`; throws an actionable Error when malformed. */
export function parseCommandPattern(source: string): CommandPattern {
  const parsed = splitCommand(source);
  if (!parsed.parseable) throw new Error('the command pattern has unbalanced quotes');
  if (parsed.hasOperators) {
    throw new Error('a command pattern must be one simple command, without ; && || | < > $( ` # ! or newlines');
  }
  const [argv, ...extra] = parsed.subcommands;
  if (argv === undefined || extra.length > 0)
    throw new Error('a command pattern needs at least one word, e.g. "npm test"');
  const rest = argv[argv.length - 1] === '*';
  const words = rest ? argv.slice(0, -1) : argv;
  if (words.some((word) => word.includes('*'))) {
    throw new Error('"*" is only allowed as the last word of a command pattern, meaning "any remaining words"');
  }
  return Object.freeze({ source, words: Object.freeze(words), rest });
}

/** True when argv starts with the pattern's words and, without a trailing `*`, has no further words. */
export function matchCommandPattern(pattern: CommandPattern, argv: readonly string[], ignoreCase = false): boolean {
  if (pattern.rest ? argv.length < pattern.words.length : argv.length !== pattern.words.length) return false;
  const same = ignoreCase
    ? (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
    : (a: string, b: string): boolean => a === b;
  return pattern.words.every((word, index) => same(word, argv[index] ?? ''));
}

/**
 * The argv forms a deny rule must be checked against for one sub-command: the argv itself, without
 * leading `NAME=value` assignments, with a path-qualified program reduced to its name (`/usr/bin/curl`),
 * every suffix after a command runner (`env`, `xargs`, `nice -n 5`...), and the sub-commands of code
 * handed to a shell (`bash -c '...'`, `eval`). Over-matching here only turns an "ask" into a "deny".
 */
export function denyCheckCandidates(argv: readonly string[]): { candidates: string[][]; parseable: boolean } {
  const candidates: string[][] = [];
  const seen = new Set<string>();
  let parseable = true;
  const pending: string[][] = [[...argv]];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const key = current.join('\0');
    if (current.length === 0 || seen.has(key)) continue;
    seen.add(key);
    candidates.push(current);

    const firstCommandWord = current.findIndex((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
    if (firstCommandWord > 0) pending.push(current.slice(firstCommandWord));
    const [program = '', ...args] = current;
    const baseName = program.split(/[\\/]/).pop() ?? program;
    if (baseName !== program) pending.push([baseName, ...args]);
    const name = baseName.toLowerCase();
    if (COMMAND_RUNNERS.has(name)) {
      for (let start = 1; start < current.length; start += 1) pending.push(current.slice(start));
    }
    if (SHELLS.has(name)) {
      const scripts = name === 'eval' ? [args.join(' ')] : args.filter((arg) => !arg.startsWith('-'));
      for (const script of scripts) {
        const inner = splitCommand(script);
        if (!inner.parseable) parseable = false;
        pending.push(...inner.subcommands);
      }
    }
  }
  return { candidates, parseable };
}
