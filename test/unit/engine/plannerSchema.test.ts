import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine, type Engine } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import { BUILTIN_PROVIDERS, OPENAI_PROVIDER } from '../../../src/core/llm/builtinProviders';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { ProviderEntry } from '../../../src/core/llm/providerTable';
import type { RunResult } from '../../../src/core/run/runSession';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import {
  requestedSchema,
  schemaFillingResponder,
  type JsonSchema,
  type SchemaFillOptions,
} from '../../support/fakeModelServer/schemaFiller';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';

/** Keywords strict mode refuses somewhere (OpenAI or Anthropic); none may reach the model. */
const REFUSED_KEYWORDS = [
  '$schema',
  'default',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
];

/** Every problem of a schema under strict mode's rules, as `path: problem`. */
function strictProblems(node: unknown, path = '#'): string[] {
  if (typeof node !== 'object' || node === null) return [];
  if (Array.isArray(node)) return node.flatMap((n, i) => strictProblems(n, `${path}/${i}`));
  const s = node as JsonSchema;
  const problems = REFUSED_KEYWORDS.filter((k) => k in s).map((k) => `${path}: ${k}`);
  if (s['type'] === 'object') {
    if (s['additionalProperties'] !== false) problems.push(`${path}: not closed`);
    const keys = Object.keys((s['properties'] ?? {}) as object).sort();
    const required = [...((s['required'] ?? []) as string[])].sort();
    if (JSON.stringify(keys) !== JSON.stringify(required)) problems.push(`${path}: not every property is required`);
  }
  for (const key of ['properties', '$defs'])
    for (const [name, child] of Object.entries((s[key] ?? {}) as object))
      problems.push(...strictProblems(child, `${path}/${key}/${name}`));
  for (const key of ['items', 'anyOf'])
    if (s[key] !== undefined) problems.push(...strictProblems(s[key], `${path}/${key}`));
  return problems;
}

function taskProperties(schema: JsonSchema): Record<string, JsonSchema> {
  const tasks = (schema['properties'] as Record<string, JsonSchema>)['tasks']!;
  return (tasks['items'] as JsonSchema)['properties'] as Record<string, JsonSchema>;
}

function capabilityEnum(schema: JsonSchema): string[] {
  return ((taskProperties(schema)['requiredCapabilities']!['items'] as JsonSchema)['enum'] ?? []) as string[];
}

function agentEnum(schema: JsonSchema): string[] {
  const agent = taskProperties(schema)['agent']!;
  const branch = ((agent['anyOf'] ?? [agent]) as JsonSchema[]).find((b) => Array.isArray(b['enum']));
  return (branch?.['enum'] ?? []) as string[];
}

describe('the planner schema comes from the live registry (real SDKs against the fake server)', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  let engine: Engine | undefined;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-plan-schema-')));
    ws = join(dir, 'ws');
    await mkdir(join(ws, '.orchestrator', 'agents'), { recursive: true });
    await writeFile(join(ws, 'README.md'), '# Demo workspace\n');
    await writeFile(
      join(ws, '.orchestrator', 'agents', 'deployer.md'),
      '---\nname: deployer\ndescription: Ships releases\ncapabilities: [deploy, release_notes]\nsynonyms: [shipping]\n---\nYou deploy.\n',
    );
  });
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(
    provider: 'openai' | 'anthropic' | 'local',
    fill: SchemaFillOptions = {},
  ): Promise<{ engine: Engine; server: FakeModelServer }> {
    server = await startServer({ respond: schemaFillingResponder(fill) });
    const base = server.openAiBaseUrl;
    // An OpenAI-compatible server without strict mode (a local model server).
    const local: ProviderEntry = {
      ...OPENAI_PROVIDER,
      id: 'local',
      displayName: 'Local',
      ownHosts: ['127.0.0.1'],
      acceptsBaseUrl: false,
      strictStructuredOutput: false,
      createClient: ({ model, apiKey }) => new OpenAiChatModel({ model, apiKey, baseURL: base, provider: 'local' }),
    };
    const key = server.apiKey;
    engine = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: { decideEdit: async () => ({ decision: 'rejected', by: 'auto' }) },
      keys: { get: async () => key },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: {
        ...DEFAULT_ENGINE_SETTINGS,
        models: {
          provider,
          ...(provider === 'openai' ? { baseUrl: base } : provider === 'anthropic' ? { baseUrl: server.baseUrl } : {}),
        },
      },
      services: testEngineServices(dir),
      providers: BUILTIN_PROVIDERS.with(local),
      warn: () => undefined,
    });
    return { engine, server };
  }

  const dryRun = (e: Engine): Promise<RunResult> => e.orchestrator.start({ goal: 'Ship v2', dryRun: true }).done;

  for (const provider of ['openai', 'anthropic'] as const) {
    it(`sends ${provider} a strict schema whose enums are the registered capabilities and agents, custom ones included`, async () => {
      const { engine, server } = await start(provider);
      assert.equal((await dryRun(engine)).status, 'planned');
      const sent = requestedSchema(server.requests[0]!.body);
      assert.ok(sent, 'the request carries a schema');
      assert.equal(sent.kind, provider === 'openai' ? 'response_format' : 'tool');
      assert.equal(sent.strict, true, 'strict: true on the response format or the tool');
      assert.deepEqual(strictProblems(sent.schema), [], 'the schema follows strict mode rules');
      const ids = engine.registry.list().map((a) => a.definition.id);
      assert.deepEqual(new Set(capabilityEnum(sent.schema)), engine.registry.capabilities());
      assert.deepEqual(agentEnum(sent.schema), ids);
      assert.ok(capabilityEnum(sent.schema).includes('release_notes'), 'the custom agent file is in the enum');
      assert.ok(ids.includes('deployer'));

      // The schema is built at plan time: an agent registered now is in the next request.
      const added = engine.registry.register(
        engine.createPromptAgent(
          { id: 'translator', capabilities: ['translate'], tools: ['finish_task'] },
          'Translate.',
        ),
      );
      assert.equal((await dryRun(engine)).status, 'planned');
      const next = requestedSchema(server.requests[1]!.body)!;
      assert.ok(capabilityEnum(next.schema).includes('translate'));
      assert.ok(agentEnum(next.schema).includes('translator'));
      added.dispose();
      assert.equal((await dryRun(engine)).status, 'planned');
      assert.ok(!capabilityEnum(requestedSchema(server.requests[2]!.body)!.schema).includes('translate'));
    });
  }

  it('sends the same schema with strict: false to a provider without strict mode', async () => {
    const { engine, server } = await start('local');
    assert.equal((await dryRun(engine)).status, 'planned');
    const sent = requestedSchema(server.requests[0]!.body)!;
    assert.equal(sent.kind, 'response_format');
    assert.equal(sent.strict, false);
    assert.deepEqual(new Set(capabilityEnum(sent.schema)), engine.registry.capabilities());
  });

  const fills: Array<[string, SchemaFillOptions]> = [
    ['the first enum values', { choose: 'first' }],
    ['the last enum values', { choose: 'last' }],
    ['three tasks', { items: (ctx) => (ctx.path.length === 1 ? 3 : 1) }],
    ['every nullable field null', { nullable: 'null' }],
    // Dependencies name other tasks of the same answer, which no schema can constrain.
    ['every field filled', { nullable: 'all', override: (c) => (c.path.at(-1) === 'dependencies' ? [] : undefined) }],
  ];
  for (const provider of ['openai', 'anthropic', 'local'] as const) {
    for (const [name, fill] of fills) {
      it(`a model that only fills the schema (${name}) gets a valid plan on the first try (${provider})`, async () => {
        const { engine, server } = await start(provider, fill);
        const result = await dryRun(engine);
        assert.equal(result.status, 'planned', JSON.stringify(result.state.findings));
        assert.equal(server.requests.length, 1, 'no repair round');
        const caps = engine.registry.capabilities();
        for (const task of result.state.plan!.tasks) {
          for (const cap of task.requiredCapabilities) assert.ok(caps.has(cap), cap);
          if (task.agent !== undefined) assert.ok(engine.registry.get(task.agent), task.agent);
        }
        if (fill.nullable !== 'null') {
          for (const task of result.state.plan!.tasks) {
            assert.notDeepEqual(task.requiredCapabilities, [], 'the model chose capabilities');
            assert.notEqual(task.agent, undefined, 'the model chose an agent');
          }
        }
        if (fill.choose === 'last') {
          assert.deepEqual(result.state.plan!.tasks[0]!.requiredCapabilities, ['release_notes']);
          assert.equal(result.state.plan!.tasks[0]!.agent, 'deployer');
        }
      });
    }
  }
});
