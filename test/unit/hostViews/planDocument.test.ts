import assert from 'node:assert/strict';
import { PlanSchema } from '../../../src/core/model/planSchema';
import { planFileText } from '../../../src/core/plan/planFile';
import { validatePlan } from '../../../src/core/plan/validatePlan';
import { jsonSyntaxError, lineAndColumn } from '../../../src/host/commands/jsonSyntaxError';
import {
  parsePlanDocument,
  planDocumentProblems,
  planProblemsLog,
  planProblemsMessage,
  type ParsedPlanDocument,
} from '../../../src/host/commands/planDocument';
import { formatMessage as t } from '../../../src/host/views/runTreeFormat';
import { plan, task } from '../../support/planBuilders';

const GOOD = planFileText('run-dry', PlanSchema.parse(plan([task('a'), task('b', { dependencies: ['a'] })], 'Notes')));
const limits = { maxTasks: 50, knownCapabilities: new Set(['code', 'test']), knownAgents: new Set(['coder']) };

/** Parses `text`, which must parse. */
function parsed(text: string): ParsedPlanDocument {
  const document = parsePlanDocument(text, t);
  assert.ok(document.ok, `parses: ${document.ok ? '' : document.message}`);
  return document;
}

describe('plan documents in the editor (Run This Plan)', () => {
  it('reads the JSON, the goal and the dry run it came from; a BOM and spaces around the goal do not matter', () => {
    const document = parsed(GOOD);
    assert.equal(document.goal, 'Notes');
    assert.equal(document.fromRun, 'run-dry');
    assert.deepEqual((document.input as { tasks: unknown[] }).tasks.length, 2);
    const bare = parsed(`\uFEFF${JSON.stringify({ goal: '  Notes \n', tasks: [] })}`);
    assert.equal(bare.goal, 'Notes');
    assert.equal('fromRun' in bare, false);
  });

  it('names what is wrong with broken JSON and where, by line and column', () => {
    const cases: Array<[string, string, number, number]> = [
      [
        '{\n  "goal": "x",\n  "tasks": [],\n}\n',
        'a comma must be followed by another property; remove the trailing comma',
        4,
        1,
      ],
      ['{\n  "goal": "x"\n  "tasks": []\n}', 'expected "," or "}" after a property value, found "\\""', 3, 3],
      ['{ "tasks": [1, 2 }', 'expected "," or "]" after an array element, found "}"', 1, 18],
      [
        '{ "tasks": [tru] }',
        'expected a value (a string, number, object, array, true, false or null), found "t"',
        1,
        13,
      ],
      ['{ "goal": "never closed }', 'this string is never closed', 1, 11],
      ['{ "goal": "two\nlines" }', 'a string may not hold a line break or tab; write \\n or \\t', 1, 15],
      ['{\n  // a comment\n  "tasks": []\n}', 'expected a property name in double quotes, found "/"', 2, 3],
      ['{ goal: "x" }', 'expected a property name in double quotes, found "g"', 1, 3],
      ['', 'the text ends where a value should be', 1, 1],
      ['{ "tasks": [] } extra', 'unexpected "e" after the end of the JSON value', 1, 17],
      ['{ "priority": 01 }', 'invalid number', 1, 15],
      ['{ "goal": "\\x" }', 'invalid escape "\\x" in a string', 1, 12],
    ];
    for (const [text, reason, line, column] of cases) {
      const document = parsePlanDocument(text, t);
      assert.ok(!document.ok, `refused: ${JSON.stringify(text)}`);
      assert.deepEqual(
        [document.line, document.column, document.message],
        [line, column, `The plan is not valid JSON: ${reason} (line ${line}, column ${column}).`],
        JSON.stringify(text),
      );
      assert.deepEqual(lineAndColumn(text, document.offset), { line, column });
    }
  });

  it('a JSON value that is not an object is refused where it starts', () => {
    for (const [text, line, column] of [
      ['[]', 1, 1],
      ['\n\n  "a plan"', 3, 3],
      ['null', 1, 1],
    ] as const) {
      const document = parsePlanDocument(text, t);
      assert.ok(!document.ok);
      assert.equal(
        document.message,
        `A plan is a JSON object with "goal" and "tasks" (line ${line}, column ${column}).`,
      );
    }
  });

  it('the JSON scanner agrees with JSON.parse on every cut of a real plan document and on odd values', () => {
    for (let end = 0; end <= GOOD.length; end++) {
      const text = GOOD.slice(0, end);
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      assert.equal(jsonSyntaxError(text) === undefined, valid, `cut at ${end}: ${JSON.stringify(text.slice(-20))}`);
    }
    for (const text of ['-0.5e+3', '"\\u00e9\\n"', '[[[[]]]]', '{"a":{"b":[true,false,null,{}]}}', ' 1 '])
      assert.equal(jsonSyntaxError(text), undefined, text);
    // No recursion: nesting that would overflow a recursive scanner is just unclosed.
    assert.equal(jsonSyntaxError('['.repeat(200_000))?.reason, 'the text ends where a value should be');
  });

  it('lists every validation problem and a missing goal; a valid plan with a goal has none', () => {
    const good = parsed(GOOD);
    assert.deepEqual(planDocumentProblems(good, validatePlan(good.input, limits), t), []);
    const bad = parsed(
      JSON.stringify({
        tasks: [
          task('a', { requiredCapabilities: ['dance'] }),
          task('a', { dependencies: ['ghost'] }),
          task('c', { agent: 'nobody' }),
        ],
      }),
    );
    const problems = planDocumentProblems(bad, validatePlan(bad.input, limits), t);
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(problems.join('\n'), /capability "dance"/);
    assert.match(problems.join('\n'), /"a" is used more than once/);
    assert.match(problems.join('\n'), /"ghost"/);
    assert.match(problems.join('\n'), /agent "nobody"/);
    assert.equal(problems.at(-1), 'The plan has no goal: add "goal" with what the agents should achieve.');
    const schema = parsed('{"goal": 5, "tasks": [{"id": "a"}]}');
    const schemaProblems = planDocumentProblems(schema, validatePlan(schema.input, limits), t);
    assert.match(schemaProblems[0] ?? '', /^goal: .*expected string, received number/);
    assert.ok(
      !schemaProblems.some((p) => p.startsWith('The plan has no goal')),
      'a goal of the wrong type is said once',
    );
  });

  it('the error message shows up to three problems and the count; the log gets them all', () => {
    const problems = ['One is wrong', 'Two is wrong.', 'Three is wrong', 'Four is wrong', 'Five is wrong'];
    assert.equal(
      planProblemsMessage(problems.slice(0, 1), t),
      'The plan cannot run: One is wrong. Nothing was started.',
    );
    assert.equal(
      planProblemsMessage(problems.slice(0, 3), t),
      'The plan cannot run; 3 problems: One is wrong. Two is wrong. Three is wrong. Nothing was started.',
    );
    assert.equal(
      planProblemsMessage(problems, t),
      'The plan cannot run; 5 problems: One is wrong. Two is wrong. Three is wrong. …and 2 more (Show Problems lists them all). Nothing was started.',
    );
    assert.equal(
      planProblemsLog('/plans/run-1.agent-plan.json', problems),
      ['The plan in /plans/run-1.agent-plan.json cannot run:', ...problems.map((p) => `  - ${p}`)].join('\n'),
    );
  });
});
