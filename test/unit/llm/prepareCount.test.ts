import assert from 'node:assert/strict';
import { countTokens as o200kTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatRequest, ToolSpec } from '../../../src/core/llm/chatModel';
import {
  countOpenAiRequestTokens,
  inThreadTokenizer,
  prepareOpenAiCount,
  TokenizerLoader,
  type OpenAiTokenizers,
} from '../../../src/core/llm/openAiTokenizer';

/** o200k in this thread, recording every text it is asked to count and how often it loaded. */
function recordingTokenizers(): { tokenizers: OpenAiTokenizers; counted: string[]; loads: () => number } {
  const counted: string[] = [];
  let loads = 0;
  const loader = (name: string): TokenizerLoader =>
    new TokenizerLoader(
      name,
      inThreadTokenizer(() => {
        loads++;
        return {
          countTokens: (text: string) => {
            counted.push(text);
            return o200kTokens(text);
          },
        };
      }),
    );
  return {
    tokenizers: { o200k_base: loader('o200k_base'), cl100k_base: loader('cl100k_base') },
    counted,
    loads: () => loads,
  };
}

const SYSTEM = `You are the coder agent. ${'Keep every change small and explain it. '.repeat(12)}`;
const TOOL: ToolSpec = Object.freeze({
  name: 'propose_edit',
  description: `Proposes an edit of one workspace file. ${'The user approves it in a diff. '.repeat(10)}`,
  parameters: Object.freeze({ type: 'object', properties: Object.freeze({ path: Object.freeze({ type: 'string' }) }) }),
}) as ToolSpec;
const REQUEST: ChatRequest = {
  system: SYSTEM,
  messages: [{ role: 'user', content: 'Task a: write a.txt.' }],
  tools: [TOOL],
  maxOutputTokens: 100,
};

/** Lets the background count (in this thread, a few promise turns) finish. */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('prepareOpenAiCount: an agent’s repeated texts are counted before its first request', () => {
  it('counts the system prompt and tool definitions ahead, so the first request counts only its new text', async () => {
    const { tokenizers, counted } = recordingTokenizers();
    prepareOpenAiCount('gpt-4o', { system: SYSTEM, tools: [TOOL] }, tokenizers);
    await settled();
    assert.equal(counted.length, 2, 'the system prompt and the tool definition were counted ahead');
    counted.length = 0;
    const tokens = await countOpenAiRequestTokens('gpt-4o', REQUEST, tokenizers);
    assert.deepEqual(counted, ['Task a: write a.txt.'], 'only the brief was left to count');
    const unprepared = recordingTokenizers();
    assert.equal(tokens, await countOpenAiRequestTokens('gpt-4o', REQUEST, unprepared.tokenizers), 'the same count');
    assert.equal(unprepared.counted.length, 3, 'without preparing, all three texts are counted with the request');
  });

  it('loads nothing for a model without an OpenAI tokenizer, or when no text is long enough to keep', async () => {
    const { tokenizers, loads } = recordingTokenizers();
    prepareOpenAiCount('llama3.1:8b', { system: SYSTEM, tools: [TOOL] }, tokenizers);
    prepareOpenAiCount('gpt-4o', { system: 'Short.', tools: [] }, tokenizers);
    await settled();
    assert.equal(loads(), 0);
  });

  it('never throws when the tokenizer cannot load; the request counts as it would have', async () => {
    const broken = new TokenizerLoader(
      'o200k_base',
      inThreadTokenizer(() => {
        throw new Error('rank tables missing');
      }),
    );
    const tokenizers: OpenAiTokenizers = { o200k_base: broken, cl100k_base: broken };
    assert.doesNotThrow(() => prepareOpenAiCount('gpt-4o', { system: SYSTEM, tools: [TOOL] }, tokenizers));
    await settled();
    await assert.rejects(countOpenAiRequestTokens('gpt-4o', REQUEST, tokenizers), /rank tables missing/);
  });
});
