// Reading a plan from an editor document for "Run This Plan", and what the user is told when it
// cannot run; free of `vscode` so it is unit-tested in Node.
import { errorMessage } from '../../core/common/errors';
import { fromRunOf } from '../../core/plan/planFile';
import type { PlanValidation } from '../../core/plan/validatePlan';
import type { Localize } from '../views/runTreeFormat';
import { jsonSyntaxError, lineAndColumn } from './jsonSyntaxError';

/** How many problems the error message lists before "and N more" (the log has them all). */
const PROBLEMS_SHOWN = 3;

/** A plan document that parsed: its JSON, its goal and the dry run it names. */
export interface ParsedPlanDocument {
  ok: true;
  /** The parsed JSON, handed to validation and to the run as it is. */
  input: unknown;
  /** The plan's `goal`, trimmed; empty when it has none. */
  goal: string;
  /** The dry run that produced the plan (`fromRun`), if the document names one. */
  fromRun?: string;
}

/** A plan document that is not JSON (or not an object): what is wrong, and where. */
export interface BrokenPlanDocument {
  ok: false;
  /** The whole message for the user, with line and column. */
  message: string;
  /** Offset of the problem in the text. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** Parses the text of a plan document (saved or not). */
export function parsePlanDocument(text: string, t: Localize): ParsedPlanDocument | BrokenPlanDocument {
  let input: unknown;
  try {
    input = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const found = jsonSyntaxError(text) ?? { offset: 0, reason: errorMessage(err) };
    const { line, column } = lineAndColumn(text, found.offset);
    return {
      ok: false,
      message: t('The plan is not valid JSON: {0} (line {1}, column {2}).', found.reason, line, column),
      offset: found.offset,
      line,
      column,
    };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const offset = text.length - text.replace(/^[\uFEFF\s]+/, '').length;
    const { line, column } = lineAndColumn(text, offset);
    return {
      ok: false,
      message: t('A plan is a JSON object with "goal" and "tasks" (line {0}, column {1}).', line, column),
      offset,
      line,
      column,
    };
  }
  const goal = (input as { goal?: unknown }).goal;
  const fromRun = fromRunOf(input);
  return {
    ok: true,
    input,
    goal: typeof goal === 'string' ? goal.trim() : '',
    ...(fromRun === undefined ? {} : { fromRun }),
  };
}

/** Every reason a parsed plan cannot run: each issue validation found, and a missing goal. Empty when it can run. */
export function planDocumentProblems(document: ParsedPlanDocument, validation: PlanValidation, t: Localize): string[] {
  const problems = validation.ok ? [] : validation.issues.map((issue) => issue.message);
  if (document.goal === '' && !problems.some((p) => p.startsWith('goal:'))) {
    problems.push(t('The plan has no goal: add "goal" with what the agents should achieve.'));
  }
  return problems;
}

/** The error message for a plan that cannot run: the first problems in full and how many more there are. */
export function planProblemsMessage(problems: readonly string[], t: Localize): string {
  if (problems.length === 1) return t('The plan cannot run: {0} Nothing was started.', withStop(problems[0]!));
  const shown = problems.slice(0, PROBLEMS_SHOWN).map(withStop).join(' ');
  const more = problems.length - PROBLEMS_SHOWN;
  return more > 0
    ? t(
        'The plan cannot run; {0} problems: {1} …and {2} more (Show Problems lists them all). Nothing was started.',
        problems.length,
        shown,
        more,
      )
    : t('The plan cannot run; {0} problems: {1} Nothing was started.', problems.length, shown);
}

/** The problems as the log shows them: a heading naming the document, then one line each. */
export function planProblemsLog(documentName: string, problems: readonly string[]): string {
  return [`The plan in ${documentName} cannot run:`, ...problems.map((p) => `  - ${p}`)].join('\n');
}

function withStop(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}
