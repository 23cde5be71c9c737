import { parse } from 'shell-quote';
import type { ParseEntry } from 'shell-quote';
import { scanShell } from '../policy/shellScan';

/** A command line split into argv for a direct spawn, or why it cannot be run without a shell. */
export type CommandLine = { ok: true; argv: string[] } | { ok: false; error: string };

/** Thrown by the variable hook: a `$NAME` outside single quotes would need a shell to expand it. */
class VariableUsed extends Error {
  constructor(readonly variable: string) {
    super(variable);
  }
}

const NO_SHELL = 'run_command starts one program with its arguments and no shell';

/**
 * Splits a command line into argv with shell-quote, for a spawn with no shell: quotes and
 * backslashes work as in sh, but anything only a shell would act on is refused with a clear
 * reason: `;`, `&&`, `||`, `|`, `&`, redirections, `$(…)`, backticks, `$NAME`, unquoted globs,
 * comments, `!` and newlines. Quoting such a character (`'a|b'`, `'*.ts'`) passes it literally.
 */
export function parseCommandLine(command: string): CommandLine {
  if (command.trim() === '') return { ok: false, error: 'The command is empty: give a program and its arguments.' };
  const scan = scanShell(command);
  if (!scan.balanced) return { ok: false, error: `The command has an unclosed quote or substitution; ${NO_SHELL}.` };
  if (scan.sawOperator || scan.segments.length !== 1) {
    return {
      ok: false,
      error: `The command uses shell syntax (a newline, \`$(…)\`, a backtick, \`#\` or \`!\`); ${NO_SHELL}. Run one command per call, with no substitutions.`,
    };
  }
  let entries: ParseEntry[];
  try {
    entries = parse(scan.segments[0] ?? '', (name: string) => {
      throw new VariableUsed(name);
    });
  } catch (err) {
    if (err instanceof VariableUsed) {
      return {
        ok: false,
        error: `The command uses the variable $${err.variable}; ${NO_SHELL} to expand it. Write the value itself, or quote it with single quotes to pass it literally.`,
      };
    }
    return { ok: false, error: `The command cannot be parsed; ${NO_SHELL}.` };
  }
  const argv: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      argv.push(entry);
    } else if ('op' in entry && entry.op === 'glob') {
      return {
        ok: false,
        error: `The argument ${JSON.stringify(entry.pattern)} is a glob, which only a shell expands; ${NO_SHELL}. Name the files (list_files finds them), or quote it to pass it literally.`,
      };
    } else if ('op' in entry) {
      return {
        ok: false,
        error: `The command uses the shell operator \`${entry.op}\`; ${NO_SHELL}, so pipes, chains (;, &&, ||), background jobs and redirections are refused. Run one command per call and read its output from the result.`,
      };
    } else {
      return { ok: false, error: `The command contains a comment; ${NO_SHELL}.` };
    }
  }
  if (argv.length === 0) return { ok: false, error: 'The command is empty: give a program and its arguments.' };
  return { ok: true, argv };
}
