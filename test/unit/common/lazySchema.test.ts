import * as assert from 'node:assert/strict';
import * as z from 'zod';
import { lazySchema } from '../../../src/core/common/lazySchema';

for (const [where, lazy] of [['core', lazySchema]] as const) {
  describe(`lazySchema (${where})`, () => {
    it('builds the schema on first use only, once', () => {
      let builds = 0;
      const Schema = lazy(() => {
        builds++;
        return z.strictObject({ id: z.string().min(1), n: z.number().int() });
      });
      assert.equal(builds, 0);
      assert.deepEqual(Schema.parse({ id: 'a', n: 1 }), { id: 'a', n: 1 });
      Schema.safeParse({});
      assert.equal(builds, 1);
    });

    it('validates exactly as the schema it stands for, also nested in other schemas', () => {
      const Inner = lazy(() => z.strictObject({ id: z.string().min(1) }));
      const Outer = lazy(() => z.object({ items: z.array(Inner), kind: z.enum(['a', 'b']) }));
      const Eager = z.object({ items: z.array(z.strictObject({ id: z.string().min(1) })), kind: z.enum(['a', 'b']) });
      for (const input of [
        { items: [{ id: 'x' }], kind: 'a' },
        { items: [{ id: '' }], kind: 'a' },
        { items: [{ id: 'x', extra: 1 }], kind: 'b' },
        { items: 'no', kind: 'c' },
      ]) {
        const lazyResult = Outer.safeParse(input);
        const eagerResult = Eager.safeParse(input);
        assert.equal(lazyResult.success, eagerResult.success, JSON.stringify(input));
        assert.deepEqual(lazyResult.error?.issues, eagerResult.error?.issues);
      }
    });

    it('keeps shape, options, extend, instanceof and discriminated unions working', () => {
      const A = lazy(() => z.strictObject({ type: z.literal('a'), x: z.number() }));
      const B = lazy(() => z.strictObject({ type: z.literal('b') }));
      const Union = lazy(() => z.discriminatedUnion('type', [A, B]));
      assert.ok(A instanceof z.ZodObject);
      assert.deepEqual(Object.keys(A.shape), ['type', 'x']);
      assert.deepEqual(
        Union.options.map((o) => o.shape.type.value),
        ['a', 'b'],
      );
      assert.equal(Union.safeParse({ type: 'b' }).success, true);
      assert.equal(Union.safeParse({ type: 'a', x: 'no' }).success, false);
      const Extended = A.extend({ y: z.string() });
      assert.equal(Extended.safeParse({ type: 'a', x: 1, y: 's' }).success, true);
      assert.equal(Extended.safeParse({ type: 'a', x: 1 }).success, false);
    });

    it('refuses to stand in for a wrapper schema, which JSON schema output would not find', () => {
      for (const build of [
        () => z.string().optional(),
        () => z.number().transform((n) => n * 2),
        () => z.string().default('x'),
        () => z.lazy(() => z.string()),
      ]) {
        const Schema = lazy(build as () => z.ZodType);
        assert.throws(() => Schema.parse('x'), /lazySchema cannot stand in for a "\w+" schema/);
      }
      const Inner = lazy(() => z.number());
      const Outer = lazy(() => z.object({ n: Inner.optional(), m: Inner.transform(String).optional() }));
      assert.deepEqual(Outer.parse({ n: 1, m: 2 }), { n: 1, m: '2' });
      assert.deepEqual(z.toJSONSchema(Outer, { io: 'input' }).properties, {
        n: { type: 'number' },
        m: { type: 'number' },
      });
    });

    it('keeps its description in JSON schemas, at the top and nested', () => {
      const Field = lazy(() => z.string().describe('a field'));
      const Args = lazy(() => z.object({ path: Field }).describe('the arguments'));
      const json = z.toJSONSchema(Args, { io: 'input' }) as unknown as {
        description?: string;
        properties: { path: { description?: string } };
      };
      assert.equal(json.description, 'the arguments');
      assert.equal(json.properties.path.description, 'a field');
    });
  });
}
