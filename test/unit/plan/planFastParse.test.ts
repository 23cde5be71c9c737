import assert from 'node:assert/strict';
import { PlanSchema } from '../../../src/core/model/planSchema';
import { parsePlanFast } from '../../../src/core/plan/planFastParse';
import { validatePlan } from '../../../src/core/plan/validatePlan';
import { seededRandom } from '../../support/fakeModelServer/seededRandom';
import { layeredDag } from '../../support/planBuilders';

type Obj = Record<string, unknown>;
const HOLE = Symbol('delete the key');

/** Values worth trying in each field of a task: valid ones, edges on both sides, and wrong types. */
const FIELD_VALUES: Record<string, readonly unknown[]> = {
  id: ['a', 'a.b_c-D9', 'a'.repeat(64), 'a'.repeat(65), '', '-a', '.a', 'a b', 'é', 5, null, undefined, HOLE],
  title: ['t', 'x'.repeat(200), 'x'.repeat(201), '', 5, null, undefined, HOLE],
  description: ['', 'do it', 5, null, undefined, HOLE],
  requiredCapabilities: [[], ['code'], ['code', 'test'], [''], ['code', 5], 'code', null, [undefined], undefined, HOLE],
  dependencies: [[], ['t0'], ['t0', 't1'], ['bad id'], [''], [5], 't0', null, undefined, HOLE],
  priority: [0, -0, 50, 100, -1, 101, 50.5, 1e-300, NaN, Infinity, '5', null, undefined, HOLE],
  acceptanceCriteria: [[], ['works'], [''], [1], 'works', null, undefined, HOLE],
  reads: [
    ['src/a.ts'],
    ['**/*.ts'],
    ['...'],
    ['a/..b'],
    ['/abs'],
    ['C:/x'],
    ['c:x'],
    ['\\x'],
    ['a/../b'],
    ['a\\..\\b'],
    ['..'],
    [''],
    [5],
    undefined,
    HOLE,
  ],
  writes: [['src/a.ts'], ['docs/'], ['/etc/passwd'], ['../out'], ['Z:\\x'], [null], 'src/a.ts', undefined, HOLE],
  agent: ['coder', '', 5, null, undefined, HOLE],
  timeoutMs: [1, 60_000, 2 ** 53 - 1, 2 ** 53, 0, -1, 1.5, Infinity, NaN, '100', null, undefined, HOLE],
  verify: [
    [],
    ['npm test'],
    ['  npm test  '],
    ['\u00a0x\u2028'],
    ['x'.repeat(500)],
    [` ${'x'.repeat(500)} `],
    ['x'.repeat(501)],
    [' '],
    ['a', 'b', 'c', 'd', 'e'],
    ['a', 'b', 'c', 'd', 'e', 'f'],
    [5],
    'npm test',
    null,
    undefined,
    HOLE,
  ],
  extra: [1, { nested: true }, undefined],
};

/** Changes to a whole plan or a whole task, beyond single fields. */
const PLAN_CHANGES: ReadonlyArray<(p: Obj) => unknown> = [
  (p) => ({ ...p, goal: undefined }),
  (p) => ({ ...p, goal: 5 }),
  (p) => ({ ...p, goal: null }),
  (p) => ({ goal: p['goal'], tasks: p['tasks'] }),
  (p) => ({ ...p, tasks: {} }),
  (p) => ({ ...p, tasks: null }),
  (p) => ({ ...p, tasks: [] }),
  (p) => ({ ...p, tasks: [...(p['tasks'] as unknown[]), null] }),
  (p) => ({ ...p, tasks: [...(p['tasks'] as unknown[]), 'task'] }),
  (p) => ({ ...p, tasks: [...(p['tasks'] as unknown[]), []] }),
  (p) => ({ ...p, tasks: [...(p['tasks'] as unknown[]), new (class T {})()] }),
  (p) => ({ ...p, tasks: Object.assign(new Array(2), { 0: (p['tasks'] as unknown[])[0] }) }),
  (p) => Object.assign(Object.create(null) as Obj, p),
  (p) => Object.assign(new (class Plan {})(), p),
  (p) => [p],
  () => null,
  () => 'plan',
  (p) => JSON.parse(`{"__proto__": {"x": 1}, "tasks": ${JSON.stringify(p['tasks'])}}`) as unknown,
];

function randomPlan(random: () => number): Obj {
  const count = 1 + Math.floor(random() * 6);
  const tasks: Obj[] = [];
  for (let i = 0; i < count; i++) {
    const t: Obj = { id: `t${i}`, title: `Task ${i}` };
    if (random() < 0.5) t['requiredCapabilities'] = ['code'];
    if (i > 0 && random() < 0.5) t['dependencies'] = [`t${Math.floor(random() * i)}`];
    if (random() < 0.3) t['priority'] = Math.floor(random() * 101);
    if (random() < 0.2) t['writes'] = [`src/f${i}.ts`];
    if (random() < 0.2) t['verify'] = ['npm test'];
    tasks.push(t);
  }
  return random() < 0.5 ? { goal: 'g', tasks } : { tasks };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function mutate(random: () => number, input: Obj): unknown {
  if (random() < 0.15) return pick(random, PLAN_CHANGES)(input);
  const tasks = Array.from(input['tasks'] as unknown[], (t) => (typeof t === 'object' && t !== null ? { ...t } : t));
  const target = tasks[Math.floor(random() * tasks.length)];
  if (typeof target !== 'object' || target === null) return input;
  const field = pick(random, Object.keys(FIELD_VALUES));
  const value = pick(random, FIELD_VALUES[field]!);
  if (value === HOLE) delete (target as Obj)[field];
  else (target as Obj)[field] = value;
  return { ...input, tasks };
}

describe('parsePlanFast: the same plans as PlanSchema, or none', () => {
  it('over 5,000 generated plans, returns exactly what zod returns, or leaves the plan to zod', () => {
    const random = seededRandom(12);
    let fast = 0;
    let zodAccepted = 0;
    for (let n = 0; n < 5000; n++) {
      let input: unknown = randomPlan(random);
      const changes = Math.floor(random() * 3);
      for (
        let c = 0;
        c < changes && typeof input === 'object' && input !== null && Array.isArray((input as Obj)['tasks']);
        c++
      )
        input = mutate(random, input as Obj);
      const viaZod = PlanSchema.safeParse(input);
      const viaFast = parsePlanFast(input);
      if (viaZod.success) zodAccepted++;
      if (viaFast === undefined) continue;
      fast++;
      assert.ok(viaZod.success, `zod refuses what the fast path accepted: ${JSON.stringify(input)}`);
      // deepStrictEqual tells -0 from 0 and checks prototypes; the JSON text checks the key order.
      assert.deepStrictEqual(viaFast, viaZod.data, JSON.stringify(input));
      assert.equal(JSON.stringify(viaFast), JSON.stringify(viaZod.data));
    }
    // The comparison means something only if both sides were exercised.
    assert.ok(zodAccepted > 1500 && zodAccepted < 4500, `zod accepted ${zodAccepted} of 5000`);
    assert.ok(fast > 0.9 * zodAccepted, `the fast path took ${fast} of the ${zodAccepted} valid plans`);
  });

  it('hands out fresh lists, never the input arrays', () => {
    const input = { tasks: [{ id: 'a', title: 'A', reads: ['x'], verify: ['npm test'] }] };
    const out = parsePlanFast(input)!;
    assert.notEqual(out.tasks, input.tasks);
    assert.notEqual(out.tasks[0]!.reads, input.tasks[0]!.reads);
    assert.notEqual(out.tasks[0]!.writes, parsePlanFast(input)!.tasks[0]!.writes);
  });

  it('takes a 10,000-task plan, and validatePlan then gives the same plan zod would', () => {
    const input = layeredDag(10_000, 100, 3);
    const viaZod = PlanSchema.parse(input);
    assert.deepStrictEqual(parsePlanFast(input), viaZod);
    const v = validatePlan(input, { maxTasks: 20_000, knownCapabilities: new Set(['code']) });
    assert.ok(v.ok);
    assert.deepStrictEqual(v.plan, viaZod);
  });

  it('leaves every refused plan to zod, so its issues are worded as before', () => {
    const v = validatePlan({ tasks: [{ id: 'a', title: 'A', priority: 101 }] }, { maxTasks: 10 });
    assert.equal(v.ok, false);
    assert.match(v.ok ? '' : v.issues[0]!.message, /^tasks\[0\]\.priority: .*\(got 101\)/);
  });
});
