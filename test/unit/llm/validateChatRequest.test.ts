import assert from 'node:assert/strict';
import type { ChatRequest } from '../../../src/core/llm/chatModel';
import { validateChatRequest } from '../../../src/core/llm/validateChatRequest';

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
});
