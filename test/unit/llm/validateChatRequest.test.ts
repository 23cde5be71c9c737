import assert from 'node:assert/strict';
import type { ChatRequest } from '../../../src/core/llm/chatModel';
import {
  chatRequestProblems,
  isPlainlyValidChatRequest,
  validateChatRequest,
} from '../../../src/core/llm/validateChatRequest';

const base: ChatRequest = { messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 100 };

const withTool = (parameters: unknown): ChatRequest =>
  ({ ...base, tools: [{ name: 'edit', description: 'd', parameters }] }) as ChatRequest;

describe('llm/validateChatRequest', () => {
  it('accepts a tool whose parameters are a JSON schema object, frozen or not', () => {
    validateChatRequest(withTool({ type: 'object', properties: { path: { type: 'string' } } }));
    validateChatRequest(withTool(Object.freeze({ type: 'object', properties: Object.freeze({}) })));
  });

  it('refuses tool parameters that are not an object schema, naming the field', () => {
    for (const bad of [{ type: 'string' }, [{ type: 'object' }], null, 'object']) {
      assert.throws(
        () => validateChatRequest(withTool(bad)),
        /Invalid chat request: tools\.0\.parameters: parameters must be a JSON schema with type "object"/,
      );
    }
  });

  it('refuses a response format whose schema is not an object', () => {
    const request = {
      ...base,
      responseFormat: { type: 'json_schema', name: 'plan', schema: [] },
    } as unknown as ChatRequest;
    assert.throws(() => validateChatRequest(request), /responseFormat\.schema: schema must be a JSON schema object/);
    validateChatRequest({ ...base, responseFormat: { type: 'json_schema', name: 'plan', schema: { type: 'object' } } });
  });

  it('the plain check passes only what the schema passes, over many variants of a full request', () => {
    const full: Record<string, unknown> = {
      system: 'sys',
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c1', name: 'edit', arguments: { a: 1 }, rawArguments: '{"a":1}' }],
          replay: { provider: 'anthropic', model: 'm', blocks: [] },
        },
        { role: 'tool', toolCallId: 'c1', content: 'ok', isError: false },
      ],
      tools: [
        { name: 'edit', description: 'd', parameters: { type: 'object' }, strict: true },
        { name: 'read_file', description: '', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { name: 'edit' },
      maxOutputTokens: 100,
      temperature: 0,
      seed: 7,
      responseFormat: { type: 'json_schema', name: 'plan', schema: { type: 'object' }, strict: false },
    };
    const odd: unknown[] = [
      undefined,
      null,
      '',
      'x',
      'a b',
      0,
      -1,
      1.5,
      2.5,
      3,
      NaN,
      Infinity,
      2 ** 60,
      true,
      [],
      {},
      new Date(0),
      new Map(),
    ];
    const variants: unknown[] = [full, {}, null, [], 'request'];
    // Every field of the request and of each nested object, replaced by each odd value or removed.
    const visit = (value: unknown, replace: (v: unknown) => unknown): void => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => visit(item, (v) => replace(value.map((x, j) => (j === i ? v : x)))));
        variants.push(replace([]), replace([...value, ...value]));
      } else if (typeof value === 'object' && value !== null) {
        const rec = value as Record<string, unknown>;
        for (const key of Object.keys(rec)) {
          for (const v of odd) variants.push(replace({ ...rec, [key]: v }));
          const { [key]: _dropped, ...rest } = rec;
          variants.push(replace(rest));
          visit(rec[key], (v) => replace({ ...rec, [key]: v }));
        }
      }
    };
    visit(full, (v) => v);
    variants.push({ ...full, toolChoice: 'required', tools: [] }, { ...full, toolChoice: 'auto' });
    let plain = 0;
    for (const variant of variants) {
      const schemaOk = chatRequestProblems(variant) === undefined;
      if (isPlainlyValidChatRequest(variant)) {
        plain++;
        assert.ok(schemaOk, `the plain check passed what the schema refuses: ${JSON.stringify(variant)}`);
      }
      if (schemaOk) validateChatRequest(variant as ChatRequest);
      else assert.throws(() => validateChatRequest(variant as ChatRequest), /Invalid chat request/);
    }
    assert.ok(isPlainlyValidChatRequest(full), 'a full valid request takes the plain path');
    assert.ok(plain > 50, `the plain path took ${plain} of ${variants.length} variants`);
  });
});
