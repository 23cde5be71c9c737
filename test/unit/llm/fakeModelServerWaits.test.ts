import assert from 'node:assert/strict';
import { OpenAI } from 'openai';
import { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { textReply } from '../../support/fakeModelServer/fakeReply';

describe('FakeModelServer pauses', function () {
  this.timeout(10_000);

  it('16 requests waiting out the latency at once raise no MaxListenersExceededWarning, and leave no pause behind', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const server = await FakeModelServer.start({ respond: () => textReply('ok'), latencyMs: 50, chunkDelayMs: 1 });
    try {
      const client = new OpenAI({ apiKey: server.apiKey, baseURL: server.openAiBaseUrl, maxRetries: 0 });
      const answers = await Promise.all(
        Array.from({ length: 16 }, async (_, i) => {
          const stream = await client.chat.completions.create({
            model: 'gpt-4o-mini',
            messages: [{ role: 'user', content: `request ${i}` }],
            stream: true,
          });
          let text = '';
          for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
          return text;
        }),
      );
      assert.deepEqual(
        answers,
        Array.from({ length: 16 }, () => 'ok'),
      );
      assert.equal(server.waits.pending, 0);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
      assert.deepEqual(
        warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
        [],
      );
    } finally {
      process.off('warning', onWarning);
      await server.close();
    }
  });

  it('closing the server cancels a reply still waiting out its latency', async () => {
    const server = await FakeModelServer.start({ respond: () => textReply('late'), latencyMs: 60_000 });
    const client = new OpenAI({ apiKey: server.apiKey, baseURL: server.openAiBaseUrl, maxRetries: 0 });
    const sent = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    while (server.waits.pending === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.close();
    await assert.rejects(sent);
    assert.equal(server.waits.pending, 0);
  });
});
