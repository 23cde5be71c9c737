import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../../src/core/common/clock';
import type { RunEvent, RunEventBody } from '../../../src/core/model/runEvents';
import { Tracer } from '../../../src/core/observe/tracer';
import { RunSpanExport } from '../../../src/host/runs/runSpanExport';
import { parseHostSettings, USER_ONLY_SETTING_KEYS } from '../../../src/host/settings/hostSettingsSchema';
import { hostSettingValue, type InspectedSetting } from '../../../src/host/settings/settingScopeValue';

/** The events of one small run: created, a task span with a chat span, completed. */
function runEvents(runId: string): RunEvent[] {
  const events: RunEvent[] = [];
  const emit = (body: RunEventBody): void =>
    void events.push({ ...body, runId, seq: events.length + 1, at: Date.now() } as RunEvent);
  emit({ type: 'run.created', goal: 'g' } as RunEventBody);
  const tracer = new Tracer(emit, systemClock);
  const task = tracer.startSpan('task');
  tracer.startSpan('chat m', { parentId: task.id, attributes: { 'gen_ai.operation.name': 'chat' } }).end('ok');
  task.end('ok');
  emit({ type: 'run.completed', status: 'succeeded' } as RunEventBody);
  return events;
}

describe('the OTLP endpoint is a user-only setting, and the host exports run spans to it', () => {
  let server: Server;
  let url: string;
  let bodies: string[];
  beforeEach(async () => {
    bodies = [];
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(text);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  it('a workspace or folder value of telemetry.otlpEndpoint is ignored; only the user value counts', () => {
    assert.ok(USER_ONLY_SETTING_KEYS.has('telemetry.otlpEndpoint'));
    const read = (inspected: InspectedSetting) =>
      parseHostSettings((key) => {
        const i = key === 'telemetry.otlpEndpoint' ? inspected : undefined;
        const merged = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue ?? i?.defaultValue;
        return hostSettingValue(i, merged, { trusted: true, userOnly: USER_ONLY_SETTING_KEYS.has(key) });
      }).settings.telemetry.otlpEndpoint;
    assert.equal(
      read({ defaultValue: '', workspaceValue: 'https://evil.example', workspaceFolderValue: 'https://evil.example' }),
      '',
    );
    assert.equal(read({ defaultValue: '', globalValue: 'http://localhost:4318' }), 'http://localhost:4318');
  });

  it('a bad endpoint setting is named with what to give and falls back to no export', () => {
    const parsed = parseHostSettings((key) => (key === 'telemetry.otlpEndpoint' ? 'ftp://collector' : undefined));
    assert.equal(parsed.settings.telemetry.otlpEndpoint, '');
    assert.match(
      parsed.problems.join('\n'),
      /agentOrchestrator\.telemetry\.otlpEndpoint must be an http:\/\/ or https:\/\/ URL.*using no export/,
    );
  });

  it('exports nothing when the setting is empty, and every span of a run when it is set', async () => {
    let endpoint = '';
    const warnings: string[] = [];
    const exportRuns = new RunSpanExport(
      () => endpoint,
      (m) => warnings.push(m),
    );
    for (const e of runEvents('run-a')) exportRuns.append(e);
    endpoint = url;
    for (const e of runEvents('run-b')) exportRuns.append(e);
    await exportRuns.idle();
    assert.deepEqual(warnings, []);
    assert.equal(bodies.length, 1, 'one request, for run-b only');
    const text = bodies[0]!;
    assert.ok(text.includes('"run-b"') && !text.includes('"run-a"'));
    const spans = (
      JSON.parse(text) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> }
    ).resourceSpans[0]!.scopeSpans[0]!.spans;
    assert.deepEqual(spans.map((s) => s.name).sort(), ['chat m', 'task']);
  });
});
