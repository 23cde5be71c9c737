import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { countTokens as o200kTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatRequest } from '../../../src/core/llm/chatModel';
import {
  closeOpenAiTokenizers,
  countOpenAiRequestTokens,
  inThreadTokenizer,
  OPENAI_TOKENIZERS,
  TokenizerLoader,
} from '../../../src/core/llm/openAiTokenizer';
import { workerTokenizer, type TokenizerSource } from '../../../src/core/llm/tokenizerThread';

const PROBE = resolve(__dirname, '../../support/threadProbeEncoding.cjs');
const REQUEST: ChatRequest = {
  system: 'You are a careful coding agent. 日本語のテキストも扱います。',
  messages: [
    { role: 'user', content: `Fix parse() in src/parser.ts 🎉 ${'x'.repeat(300)}` },
    {
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'c1', name: 'read_file', arguments: { path: 'a.ts' }, rawArguments: '{"path":"a.ts"}' }],
    },
    { role: 'tool', toolCallId: 'c1', content: 'export const a = 1;\n' },
  ],
  maxOutputTokens: 100,
};

describe('the OpenAI tokenizer in a worker thread', function () {
  this.timeout(20_000);

  it('counts a request exactly as the encoding does in this thread', async () => {
    const inThread = new TokenizerLoader(
      'o200k_base',
      inThreadTokenizer(() => ({ countTokens: o200kTokens })),
    );
    const expected = await countOpenAiRequestTokens('gpt-4o', REQUEST, { o200k_base: inThread, cl100k_base: inThread });
    assert.ok(expected !== undefined && expected > 0);
    assert.equal(await countOpenAiRequestTokens('gpt-4o', REQUEST), expected);
    assert.ok(OPENAI_TOKENIZERS.o200k_base.ready);
    // Again, now from the memo for the long text and the worker for the rest.
    assert.equal(await countOpenAiRequestTokens('gpt-4o', REQUEST), expected);
  });

  it('loads and counts off the main thread (the probe encoding refuses to count on it)', async () => {
    const loader = new TokenizerLoader(
      'probe',
      workerTokenizer(
        () => PROBE,
        () => assert.fail('the fallback must not be used where a worker can start'),
      ),
    );
    assert.deepEqual(await loader.countTexts(['abc', '', 'hello']), [3, 0, 5]);
    const inThread = new TokenizerLoader(
      'probe',
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the probe is a plain CommonJS file
      inThreadTokenizer(() => require(PROBE) as { countTokens(text: string): number }),
    );
    await assert.rejects(inThread.countTexts(['abc']), /counted on the main thread/);
  });

  it('a module that cannot be loaded: a clear error naming the tokenizer, and the next ask tries again', async () => {
    let paths = 0;
    const loader = new TokenizerLoader(
      'o200k_base',
      workerTokenizer(
        () => (paths++ === 0 ? join(__dirname, 'no-such-tokenizer.js') : PROBE),
        () => assert.fail('no fallback: the worker started'),
      ),
    );
    await assert.rejects(
      loader.load(),
      /The o200k_base tokenizer could not be loaded \(the worker could not load .*no-such-tokenizer\.js/,
    );
    assert.equal(loader.ready, false);
    assert.deepEqual(await loader.countTexts(['four']), [4]);
    assert.equal(paths, 2);
  });

  it('the worker does not keep a finished process alive', async () => {
    // A child that loads the real tokenizer in its worker, counts once and then has nothing left to do.
    const script = `
      const { countOpenAiRequestTokens } = require(${JSON.stringify(resolve(__dirname, '../../../src/core/llm/openAiTokenizer.ts'))});
      countOpenAiRequestTokens('gpt-4o', { messages: [{ role: 'user', content: 'hello there' }], maxOutputTokens: 1 })
        .then((n) => process.stdout.write(String(n)));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: resolve(__dirname, '../../..'),
      timeout: 15_000,
    });
    assert.equal(Number(stdout), 3 + 3 + o200kTokens('hello there'));
  });

  it('close() stops the worker of a loaded encoding; the next ask loads it again and counts the same', async () => {
    const log: string[] = [];
    const probe = workerTokenizer(
      () => PROBE,
      () => assert.fail('no fallback: the worker started'),
    );
    const recorded: TokenizerSource = {
      open: async () => {
        log.push('open');
        const counter = await probe.open();
        return {
          countTexts: (texts) => counter.countTexts(texts),
          close: async () => {
            await counter.close();
            log.push('closed');
            // A closed worker refuses to count: its thread has gone.
            await assert.rejects(counter.countTexts(['abc']), /closed|stopped/);
          },
        };
      },
    };
    const loader = new TokenizerLoader('probe', recorded);
    await closeOpenAiTokenizers({ o200k_base: loader, cl100k_base: loader });
    assert.deepEqual(log, [], 'an encoding never loaded has nothing to stop');
    assert.deepEqual(await loader.countTexts(['abc']), [3]);
    await closeOpenAiTokenizers({ o200k_base: loader, cl100k_base: loader });
    assert.deepEqual(log, ['open', 'closed']);
    assert.equal(loader.ready, false);
    assert.deepEqual(await loader.countTexts(['hello']), [5]);
    assert.deepEqual(log, ['open', 'closed', 'open']);
    await loader.close();
  });
});
