import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TaskSpecSchema } from '../../../src/core/model/planSchema';
import { PLAN_FILE_SUFFIX, planFileJsonSchema } from '../../../src/core/plan/planFile';

const root = path.resolve(__dirname, '../../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: {
    jsonValidation?: Array<{ fileMatch: string; url: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
  };
};

describe('the plan files’ JSON schema (media/plan.schema.json)', () => {
  it('is what the zod plan schema gives (run `npm run sync-manifest` after changing the plan schema)', () => {
    const file = JSON.parse(readFileSync(path.join(root, 'media', 'plan.schema.json'), 'utf8')) as unknown;
    assert.deepEqual(
      file,
      planFileJsonSchema(),
      'media/plan.schema.json is behind the plan schema: run `npm run sync-manifest`',
    );
  });

  it('describes every task field, requires only what the plan schema requires, and knows fromRun', () => {
    const schema = planFileJsonSchema() as {
      $schema: string;
      required: string[];
      properties: { fromRun: { type: string }; tasks: { items: { required: string[]; properties: object } } };
    };
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(schema.required, ['tasks']);
    assert.equal(schema.properties.fromRun.type, 'string');
    assert.deepEqual(Object.keys(schema.properties.tasks.items.properties), Object.keys(TaskSpecSchema.shape));
    assert.deepEqual(schema.properties.tasks.items.required, ['id', 'title']);
  });

  it('no description asks a person for null, which a plan file refuses', () => {
    const descriptions = JSON.stringify(planFileJsonSchema()).match(/"description":"(?:[^"\\]|\\.)*"/g) ?? [];
    assert.ok(descriptions.length > 1, 'the fields are described');
    assert.deepEqual(
      descriptions.filter((d) => /\bnull\b/i.test(d)),
      [],
    );
  });

  it('the manifest gives it to every plan file, and offers Run This Plan on them only', () => {
    assert.deepEqual(manifest.contributes.jsonValidation, [
      { fileMatch: `*${PLAN_FILE_SUFFIX}`, url: './media/plan.schema.json' },
    ]);
    const guard = `resourceFilename =~ /${PLAN_FILE_SUFFIX.replace(/\./g, '\\.')}$/`;
    for (const menu of ['commandPalette', 'editor/title']) {
      const entry = manifest.contributes.menus[menu]?.find((m) => m.command === 'agentOrchestrator.runPlan');
      assert.equal(entry?.when, guard, menu);
    }
  });
});
