import assert from 'node:assert/strict';
import type { JsonSchemaObject } from '../../../src/core/llm/strictJsonSchema';
import { planChoicesOf, plannerJsonSchema } from '../../../src/core/plan/planJsonSchema';

function taskProperties(schema: JsonSchemaObject): Record<string, JsonSchemaObject> {
  const tasks = (schema['properties'] as Record<string, JsonSchemaObject>)['tasks']!;
  return (tasks['items'] as JsonSchemaObject)['properties'] as Record<string, JsonSchemaObject>;
}

/** Properties whose schema is a union (`anyOf` or a type array), anywhere in the schema. */
function unions(node: unknown): number {
  if (typeof node !== 'object' || node === null) return 0;
  if (Array.isArray(node)) return node.reduce((n: number, v) => n + unions(v), 0);
  const s = node as JsonSchemaObject;
  const own = Array.isArray(s['type']) || Array.isArray(s['anyOf']) ? 1 : 0;
  return own + Object.values(s).reduce((n: number, v) => n + unions(v), 0);
}

describe('plannerJsonSchema', () => {
  const agents = [
    { id: 'coder', capabilities: ['code', 'docs'] },
    { id: 'writer', capabilities: ['docs', 'copy'] },
  ];

  it('offers the capabilities and agent ids of the given agents, in their order, without repeats', () => {
    assert.deepEqual(planChoicesOf(agents), { capabilities: ['code', 'docs', 'copy'], agents: ['coder', 'writer'] });
    const props = taskProperties(plannerJsonSchema(planChoicesOf(agents)).schema);
    assert.deepEqual((props['requiredCapabilities']!['items'] as JsonSchemaObject)['enum'], ['code', 'docs', 'copy']);
    assert.deepEqual(props['agent'], {
      description: 'Only to insist on one agent: its id; otherwise null.',
      anyOf: [{ type: 'string', enum: ['coder', 'writer'] }, { type: 'null' }],
    });
  });

  it('leaves the fields free when no agent is registered (the validation then refuses any capability)', () => {
    const props = taskProperties(plannerJsonSchema(planChoicesOf([])).schema);
    assert.deepEqual(props['requiredCapabilities']!['items'], { type: 'string' });
    assert.deepEqual(props['agent']!['type'], ['string', 'null']);
  });

  it('keeps the original schema, with its defaults, for mapping an answer back', () => {
    const { original } = plannerJsonSchema(planChoicesOf(agents));
    assert.deepEqual(taskProperties(original)['priority']!['default'], 50);
  });

  it("stays within Anthropic strict tools' limit of 16 union-typed parameters", () => {
    assert.ok(unions(plannerJsonSchema(planChoicesOf(agents)).schema) <= 16);
  });
});
