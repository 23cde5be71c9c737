import assert from 'node:assert/strict';
import { z } from 'zod';
import { dropOptionalNulls, toStrictJsonSchema, type JsonSchemaObject } from '../../../src/core/llm/strictJsonSchema';

const jsonSchemaOf = (schema: z.ZodType): JsonSchemaObject => {
  const out = z.toJSONSchema(schema, { io: 'input' }) as JsonSchemaObject;
  delete out['$schema'];
  return out;
};

describe('toStrictJsonSchema', () => {
  const Item = z.object({
    name: z
      .string()
      .min(1)
      .max(10)
      .regex(/^[a-z]+$/),
    note: z.string().default(''),
    tags: z.array(z.string().min(1)).default([]),
    kind: z.enum(['a', 'b']).optional(),
    size: z.number().int().positive().optional(),
    when: z.string().datetime().optional(),
  });

  it('closes every object, requires every property and makes the optional ones nullable', () => {
    const strict = toStrictJsonSchema(jsonSchemaOf(z.object({ items: z.array(Item) })));
    assert.deepEqual(strict, {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              note: { type: ['string', 'null'] },
              tags: { type: ['array', 'null'], items: { type: 'string' } },
              kind: { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'null' }] },
              size: { type: ['integer', 'null'] },
              when: { type: ['string', 'null'] },
            },
            required: ['name', 'note', 'tags', 'kind', 'size', 'when'],
            additionalProperties: false,
          },
        },
      },
      required: ['items'],
      additionalProperties: false,
    });
  });

  it('keeps descriptions, on the outside of a nullable union', () => {
    const strict = toStrictJsonSchema(jsonSchemaOf(z.object({ kind: z.enum(['x']).optional().describe('Which') })));
    assert.deepEqual((strict['properties'] as JsonSchemaObject)['kind'], {
      description: 'Which',
      anyOf: [{ type: 'string', enum: ['x'] }, { type: 'null' }],
    });
  });

  it('refuses what strict mode cannot say, naming the place', () => {
    assert.throws(
      () => toStrictJsonSchema(jsonSchemaOf(z.object({ env: z.record(z.string(), z.string()) }))),
      /#\/properties\/env: an object with free keys/,
    );
    assert.throws(
      () => toStrictJsonSchema({ type: 'object', properties: { any: {} } }),
      /#\/properties\/any: strict structured output needs a type/,
    );
  });
});

describe('dropOptionalNulls', () => {
  const original = jsonSchemaOf(
    z.object({
      goal: z.string().default('g'),
      tasks: z.array(z.object({ id: z.string(), agent: z.string().optional(), deps: z.array(z.string()).default([]) })),
    }),
  );

  it('removes the nulls strict mode put in place of optional properties, so zod defaults apply', () => {
    const answer = { goal: null, tasks: [{ id: 'a', agent: null, deps: null }] };
    assert.deepEqual(dropOptionalNulls(answer, original), { tasks: [{ id: 'a' }] });
  });

  it('keeps a null where the property was required (for validation to refuse) and anything unshaped', () => {
    assert.deepEqual(dropOptionalNulls({ tasks: [{ id: null }] }, original), { tasks: [{ id: null }] });
    assert.equal(dropOptionalNulls('text', original), 'text');
    assert.deepEqual(dropOptionalNulls({ tasks: 3, extra: null }, original), { tasks: 3, extra: null });
  });
});
