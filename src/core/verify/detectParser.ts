import type { Finding, FindingCategory } from '../model/finding';
import type { ParseOptions } from './findingLocation';
import { parseEslint } from './eslintParser';
import { outputTail } from './outputLines';
import { parseTestSummary } from './testSummaryParser';
import { parseTsc } from './tscParser';

/** Options for {@link parseVerificationOutput}. */
export interface VerificationParseOptions extends ParseOptions {
  /** Category of the fallback finding; inferred from the command when absent. */
  category?: FindingCategory;
  /** Stamped on every finding, when the verification belongs to a task. */
  taskId?: string;
}

/** How many output lines the fallback finding quotes. */
export const FALLBACK_TAIL_LINES = 20;

/**
 * The key of the fallback finding: output no parser understood. A baseline comparison does not
 * match it by key but compares the output line by line (see `compareWithBaseline`).
 */
export const UNPARSED_OUTPUT_KEY = 'unparsed output';

type OutputParser = (output: string, options: ParseOptions) => Finding[];

const TEST_TOOLS = new Set(['mocha', 'jest', 'pytest', 'py.test', 'vitest']);
const PACKAGE_MANAGERS = new Set(['npm', 'yarn', 'pnpm', 'bun']);

/**
 * Findings from one verification command's output. Parsers are chosen by the command: `tsc` →
 * TypeScript, `eslint` → ESLint, `mocha`/`jest`/`vitest`/`pytest`, `node --test` and `npm|yarn|pnpm test` → the test
 * summary readers; any other command (`npm run check`, `make`) gets every parser, since a script
 * may run several tools and each format is distinctive. A non-zero exit that yields no finding
 * becomes one major finding quoting the last {@link FALLBACK_TAIL_LINES} lines; exit 0 adds none.
 */
export function parseVerificationOutput(
  command: string,
  output: string,
  exitCode: number,
  options: VerificationParseOptions = {},
): Finding[] {
  const parseOptions: ParseOptions = options.cwd === undefined ? {} : { cwd: options.cwd };
  const findings = parsersFor(command).flatMap((parse) => parse(output, parseOptions));
  if (findings.length === 0 && exitCode !== 0) {
    findings.push(fallbackFinding(command, output, exitCode, options.category ?? inferCategory(command)));
  }
  return options.taskId === undefined ? findings : findings.map((finding) => ({ ...finding, taskId: options.taskId }));
}

/** The category a command's findings belong to, judged from its words. */
export function inferCategory(command: string): FindingCategory {
  const words = commandWords(command);
  if (
    words.some(
      (word) =>
        word === 'tsc' || word === 'vue-tsc' || /^(?:build|compile|typecheck|check-types|type-check)$/.test(word),
    )
  )
    return 'build';
  if (words.some((word) => word === 'eslint' || word === 'lint')) return 'lint';
  if (words.some((word) => TEST_TOOLS.has(word) || word === 'test' || word === 't' || word === '--test')) return 'test';
  return 'custom';
}

function parsersFor(command: string): OutputParser[] {
  const words = commandWords(command);
  const parsers: OutputParser[] = [];
  if (words.includes('tsc') || words.includes('vue-tsc')) parsers.push(parseTsc);
  if (words.includes('eslint')) parsers.push(parseEslint);
  if (words.some((word) => TEST_TOOLS.has(word) || word === '--test') || isPackageManagerTest(words))
    parsers.push(parseTestSummary);
  return parsers.length > 0 ? parsers : [parseTsc, parseEslint, parseTestSummary];
}

/** `npm test`, `npm t`, `npm run test`, `yarn test`, `pnpm test`, and the VS Code task label `npm: test`. */
function isPackageManagerTest(words: readonly string[]): boolean {
  const manager = words.findIndex((word) => PACKAGE_MANAGERS.has(word));
  if (manager === -1) return false;
  const rest = words
    .slice(manager + 1)
    .filter((word) => word !== 'run' && word !== 'run-script' && !word.startsWith('-'));
  return rest[0] === 'test' || rest[0] === 't' || rest[0]?.startsWith('test:') === true;
}

/** Lower-case words of a command, with paths and `.cmd`/`.exe` suffixes reduced to the program name. */
function commandWords(command: string): string[] {
  return command
    .toLowerCase()
    .split(/[\s'"`;&|()=,]+/)
    .flatMap((word) => word.split(/[/\\]/))
    .map((word) => word.replace(/\.(?:cmd|exe|bat|ps1)$/, '').replace(/:$/, ''))
    .filter((word) => word !== '');
}

function fallbackFinding(command: string, output: string, exitCode: number, category: FindingCategory): Finding {
  const tail = outputTail(output, FALLBACK_TAIL_LINES);
  const head = `\`${command}\` failed with exit code ${exitCode}`;
  return {
    severity: 'major',
    category,
    message: tail === '' ? `${head} and printed nothing.` : `${head}. Last lines of output:\n${tail}`,
    key: UNPARSED_OUTPUT_KEY,
  };
}
