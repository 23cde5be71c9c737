import type { Plan, TaskSpec } from '../model/planSchema';

// A hand-written reading of `PlanSchema` for the plans that are plainly valid, which is nearly
// all of them: a 10,000-task plan costs about a tenth of a zod parse. It either returns exactly
// what `PlanSchema.parse` would (same values, same key order, fresh arrays) or undefined, and then
// the caller parses with zod, which finds and words every problem. It never decides a plan is
// invalid, so the plans accepted and refused are zod's. `test/unit/plan/planFastParse.test.ts`
// compares both over thousands of generated plans; change it with `PlanSchema`.

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DRIVE = /^[A-Za-z]:/;
const SEGMENTS = /[\\/]/;
const MAX_CHECKS = 5;
const MAX_CHECK_CHARS = 500;

type Obj = Record<string, unknown>;

function plainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isTaskId(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= 64 && TASK_ID.test(v);
}

function isWorkspacePath(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    v.length >= 1 &&
    !v.startsWith('/') &&
    !DRIVE.test(v) &&
    !v.startsWith('\\') &&
    !v.split(SEGMENTS).includes('..')
  );
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1;
}

/** A copy of a list whose every item passes `ok`; `[]` when absent; undefined when anything is off. */
function listOf(v: unknown, ok: (item: unknown) => boolean): string[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return undefined;
  const out = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const item: unknown = v[i];
    if (!ok(item)) return undefined;
    out[i] = item as string;
  }
  return out;
}

/** A task with its keys in `TaskSpecSchema`'s order; any other key is dropped, as zod drops it. */
function task(input: unknown): TaskSpec | undefined {
  if (!plainObject(input)) return undefined;
  const { id, title, description = '', priority = 50 } = input;
  if (!isTaskId(id) || typeof title !== 'string' || title.length < 1 || title.length > 200) return undefined;
  if (typeof description !== 'string') return undefined;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 100) return undefined;
  const requiredCapabilities = listOf(input['requiredCapabilities'], isNonEmptyString);
  const dependencies = listOf(input['dependencies'], isTaskId);
  const acceptanceCriteria = listOf(input['acceptanceCriteria'], isNonEmptyString);
  const reads = listOf(input['reads'], isWorkspacePath);
  const writes = listOf(input['writes'], isWorkspacePath);
  if (!requiredCapabilities || !dependencies || !acceptanceCriteria || !reads || !writes) return undefined;
  const spec: TaskSpec = {
    id,
    title,
    description,
    requiredCapabilities,
    dependencies,
    priority,
    acceptanceCriteria,
    reads,
    writes,
  };
  // Optional keys: zod keeps a key given as `undefined`; that rare case is left to zod.
  if ('agent' in input) {
    if (!isNonEmptyString(input['agent'])) return undefined;
    spec.agent = input['agent'];
  }
  if ('timeoutMs' in input) {
    const t = input['timeoutMs'];
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t <= 0) return undefined;
    spec.timeoutMs = t;
  }
  if ('verify' in input) {
    const checks = input['verify'];
    if (!Array.isArray(checks) || checks.length > MAX_CHECKS) return undefined;
    const verify: string[] = [];
    for (const c of checks as unknown[]) {
      if (typeof c !== 'string') return undefined;
      const trimmed = c.trim();
      if (trimmed.length < 1 || trimmed.length > MAX_CHECK_CHARS) return undefined;
      verify.push(trimmed);
    }
    spec.verify = verify;
  }
  return spec;
}

/**
 * The plan exactly as `PlanSchema.parse(input)` would return it, when `input` is plainly valid;
 * undefined when it is not, or when only zod can tell: parse it with zod then.
 */
export function parsePlanFast(input: unknown): Plan | undefined {
  if (!plainObject(input)) return undefined;
  const { goal = '', tasks } = input;
  if (typeof goal !== 'string' || !Array.isArray(tasks)) return undefined;
  const out = new Array<TaskSpec>(tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const spec = task(tasks[i]);
    if (spec === undefined) return undefined;
    out[i] = spec;
  }
  return { goal, tasks: out };
}
