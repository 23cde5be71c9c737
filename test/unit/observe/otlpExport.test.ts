import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../../src/core/common/clock';
import { RunEventSchema, type RunEvent, type RunEventBody } from '../../../src/core/model/runEvents';
import { otlpValue } from '../../../src/core/observe/otlpJson';
import { OtlpSpanExporter, otlpTracesUrl } from '../../../src/core/observe/otlpSpanExporter';
import { spanRecords } from '../../../src/core/observe/spanRecords';
import { Tracer } from '../../../src/core/observe/tracer';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { cliEnv, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { scriptedTeam } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

interface AnyValue {
  stringValue?: string;
  intValue?: string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: AnyValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: AnyValue }>;
  status: { code: number; message?: string };
}
interface Posted {
  path: string;
  contentType: string | undefined;
  body: {
    resourceSpans: Array<{
      resource: { attributes: Array<{ key: string; value: AnyValue }> };
      scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
    }>;
  };
}

/** A loopback OTLP collector that records every POSTed body; `status` is what it answers. */
async function startCollector(status = 200): Promise<{ url: string; posts: Posted[]; server: Server }> {
  const posts: Posted[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      posts.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(text) as Posted['body'],
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts, server };
}

const attr = (span: OtlpSpan, key: string): AnyValue | undefined => span.attributes.find((a) => a.key === key)?.value;
const allSpans = (posts: readonly Posted[]): OtlpSpan[] =>
  posts.flatMap((p) => p.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

/** Events of a small traced run: a task span with a chat span and a failed tool span inside. */
function tracedEvents(): RunEvent[] {
  const events: RunEvent[] = [];
  let seq = 0;
  const emit = (body: RunEventBody): void => void events.push({ ...body, seq: ++seq, at: Date.now() } as RunEvent);
  const tracer = new Tracer(emit, systemClock);
  const task = tracer.startSpan('task', { attributes: { taskId: 'a' } });
  const chat = tracer.startSpan('chat gpt-4o-mini', {
    parentId: task.id,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
    },
  });
  chat.end('ok', { 'gen_ai.usage.input_tokens': 120, 'gen_ai.response.finish_reasons': ['stop'] });
  const tool = tracer.startSpan('execute_tool read_file', {
    parentId: task.id,
    attributes: { 'gen_ai.tool.name': 'read_file' },
  });
  tool.end('error', { 'error.type': 'tool_error' });
  task.end('cancelled');
  return events;
}

describe('OTLP/HTTP JSON export of spans', function () {
  this.timeout(60_000);
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('POSTs resourceSpans → scopeSpans → spans to <endpoint>/v1/traces with hex ids, nanos, AnyValues and statuses', async () => {
    const collector = await startCollector();
    servers.push(collector.server);
    const warnings: string[] = [];
    const exporter = new OtlpSpanExporter({ endpoint: collector.url, runId: 'run-1', warn: (m) => warnings.push(m) });
    for (const e of tracedEvents()) exporter.onEvent(e);
    await exporter.flush();
    assert.deepEqual(warnings, []);
    assert.equal(collector.posts.length, 1);
    const post = collector.posts[0]!;
    assert.equal(post.path, '/v1/traces');
    assert.match(post.contentType ?? '', /^application\/json/);
    const resource = post.body.resourceSpans[0]!.resource.attributes;
    assert.deepEqual(resource.find((a) => a.key === 'service.name')?.value, { stringValue: 'agent-orchestrator' });
    assert.equal(post.body.resourceSpans[0]!.scopeSpans[0]!.scope.name, 'agent-orchestrator');
    const spans = allSpans(collector.posts);
    assert.deepEqual(spans.map((s) => s.name).sort(), ['chat gpt-4o-mini', 'execute_tool read_file', 'task']);
    const [task, chat, tool] = ['task', 'chat gpt-4o-mini', 'execute_tool read_file'].map((n) =>
      spans.find((s) => s.name === n)!,
    );
    for (const s of spans) {
      assert.match(s.traceId, /^[0-9a-f]{32}$/);
      assert.equal(s.traceId, task!.traceId, 'one trace per run');
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
      assert.match(s.startTimeUnixNano, /^\d{19}$/);
      assert.ok(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano));
    }
    assert.equal(task!.parentSpanId, undefined);
    assert.equal(chat!.parentSpanId, task!.spanId);
    assert.equal(tool!.parentSpanId, task!.spanId);
    assert.equal(chat!.kind, 3, 'a model call is a client span');
    assert.deepEqual(chat!.status, { code: 1 });
    assert.deepEqual(attr(chat!, 'gen_ai.operation.name'), { stringValue: 'chat' });
    assert.deepEqual(attr(chat!, 'gen_ai.usage.input_tokens'), { intValue: '120' });
    assert.deepEqual(attr(chat!, 'gen_ai.request.temperature'), { doubleValue: 0.2 });
    assert.deepEqual(attr(chat!, 'gen_ai.response.finish_reasons'), {
      arrayValue: { values: [{ stringValue: 'stop' }] },
    });
    assert.deepEqual(tool!.status, { code: 2, message: 'tool_error' });
    assert.deepEqual(task!.status, { code: 0 }, 'cancelled is not an error');
    assert.deepEqual(attr(task!, 'agent_orchestrator.span.status'), { stringValue: 'cancelled' });
  });

  it('sends in batches as spans end, and a failing collector is reported once and never throws', async () => {
    const collector = await startCollector(503);
    servers.push(collector.server);
    const warnings: string[] = [];
    const exporter = new OtlpSpanExporter({
      endpoint: `${collector.url}/v1/traces`,
      runId: 'run-2',
      batchSize: 1,
      warn: (m) => warnings.push(m),
    });
    for (const e of tracedEvents()) exporter.onEvent(e);
    await exporter.flush();
    assert.equal(collector.posts.length, 3, 'one request per span at batch size 1');
    assert.ok(
      collector.posts.every((p) => p.path === '/v1/traces'),
      'a full /v1/traces URL is kept as is',
    );
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /could not be exported .*HTTP 503.*the run goes on/);
    assert.deepEqual(exporter.counts, { exported: 0, failed: 3 });

    const closed = new OtlpSpanExporter({
      endpoint: 'http://127.0.0.1:9',
      runId: 'run-3',
      warn: (m) => warnings.push(m),
    });
    for (const e of tracedEvents()) closed.onEvent(e);
    await closed.flush();
    assert.equal(warnings.length, 2, 'a refused connection is reported too');
  });

  it('refuses an endpoint that is not an http(s) URL or carries credentials, saying what to give', () => {
    assert.equal(otlpTracesUrl('http://localhost:4318/').href, 'http://localhost:4318/v1/traces');
    assert.equal(otlpTracesUrl('https://otel.example/prefix').href, 'https://otel.example/prefix/v1/traces');
    assert.throws(() => otlpTracesUrl('localhost:4318'), /must be an http or https URL/);
    assert.throws(() => otlpTracesUrl('not a url'), /is not a URL; give one like http:\/\/localhost:4318/);
    assert.throws(() => otlpTracesUrl('http://user:pw@localhost:4318'), /must not carry a user name or password/);
  });

  it('encodes every JSON value as an OTLP AnyValue', () => {
    assert.deepEqual(otlpValue('x'), { stringValue: 'x' });
    assert.deepEqual(otlpValue(true), { boolValue: true });
    assert.deepEqual(otlpValue(7), { intValue: '7' });
    assert.deepEqual(otlpValue(1.5), { doubleValue: 1.5 });
    assert.equal(otlpValue(null), undefined);
    assert.deepEqual(otlpValue({ a: [1, null] }), {
      kvlistValue: { values: [{ key: 'a', value: { arrayValue: { values: [{ intValue: '1' }] } } }] },
    });
  });

  it('reads span.ended events of older logs, which carry no attributes', () => {
    const old = [
      {
        type: 'span.started',
        runId: 'run-old',
        seq: 1,
        at: 1000,
        spanId: 's1',
        name: 'task',
        attributes: { taskId: 'a' },
      },
      {
        type: 'span.ended',
        runId: 'run-old',
        seq: 2,
        at: 1500,
        spanId: 's1',
        name: 'task',
        durationMs: 500,
        status: 'ok',
      },
    ].map((e) => RunEventSchema.parse(e) as RunEvent);
    const [span] = spanRecords(old);
    assert.deepEqual(span, {
      spanId: 's1',
      name: 'task',
      startedAt: 1000,
      endedAt: 1500,
      durationMs: 500,
      status: 'ok',
      attributes: { taskId: 'a' },
    });
  });

  describe('run --otlp-endpoint (a real CLI run against the fake model server)', () => {
    useCliBundle();
    const sandbox = useSandbox();
    let server: FakeModelServer;
    const startServer = useFakeModelServer();
    beforeEach(async () => {
      server = await startServer({ respond: scriptedTeam('Write a', [{ id: 'a', title: 'Write a' }]) });
    });

    it('exports every span of the run, GenAI attributes included, and no prompt text', async () => {
      const collector = await startCollector();
      servers.push(collector.server);
      const { root, state, ws } = sandbox();
      const r = await runCli(
        ['run', 'Write a', '--approve', 'auto', '--workspace', ws, '--state-dir', state].concat([
          '--base-url',
          server.openAiBaseUrl,
          '--model',
          'gpt-4o-mini',
          '--otlp-endpoint',
          collector.url,
        ]),
        cliEnv(root, { OPENAI_API_KEY: server.apiKey }),
      );
      assert.equal(r.code, 0, r.stderr);
      const spans = allSpans(collector.posts);
      const names = spans.map((s) => s.name);
      for (const n of ['plan', 'run.execute', 'task', 'chat gpt-4o-mini', 'execute_tool propose_edit'])
        assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
      const chats = spans.filter((s) => attr(s, 'gen_ai.operation.name')?.stringValue === 'chat');
      assert.equal(chats.length, 3);
      for (const c of chats) {
        assert.deepEqual(attr(c, 'gen_ai.provider.name'), { stringValue: 'openai' });
        assert.deepEqual(attr(c, 'gen_ai.request.model'), { stringValue: 'gpt-4o-mini' });
        assert.match(attr(c, 'gen_ai.usage.output_tokens')?.intValue ?? '', /^[1-9]\d*$/);
      }
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const agentChat = chats.find((c) => byId.get(c.parentSpanId ?? '')?.name === 'task');
      assert.ok(agentChat, 'an agent call is a child of its task span in the export too');
      assert.ok(!JSON.stringify(collector.posts).includes('written by a'), 'no edit content leaves the machine');
    });

    it('refuses a bad --otlp-endpoint before anything starts (exit 2)', async () => {
      const { root, state, ws } = sandbox();
      const r = await runCli(
        ['run', 'Write a', '--workspace', ws, '--state-dir', state, '--otlp-endpoint', 'ftp://x'],
        cliEnv(root, { OPENAI_API_KEY: server.apiKey }),
      );
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--otlp-endpoint: The OTLP endpoint must be an http or https URL/);
      assert.equal(server.requests.length, 0);
    });
  });
});
