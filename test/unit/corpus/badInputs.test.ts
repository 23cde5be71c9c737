import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { UsageError } from '../../../src/cli/usageError';
import { loadCustomAgents } from '../../../src/core/agents/customAgentFile';
import { CUSTOM_AGENTS_DIR } from '../../../src/core/engine/engineAgents';
import { parseToolArguments } from '../../../src/core/llm/parseToolArguments';
import { validatePlan } from '../../../src/core/plan/validatePlan';
import { recoverRunState } from '../../../src/core/store/recovery';
import { RunStore } from '../../../src/core/store/runStore';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { engineSettingsOf } from '../../../src/host/settings/engineSettingsOf';
import {
  DEFAULT_HOST_SETTINGS,
  HOST_SETTING_KEYS,
  parseHostSettings,
  type HostSettingKey,
} from '../../../src/host/settings/hostSettingsSchema';
import { cliEnv, git, REPO_ROOT, runCli, useCliBundle } from '../../support/cliProcess';
import { startFakeModelServer, type FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { fakeTask } from '../tools/toolHarness';
import {
  assertExactLines,
  assertExactText,
  assertNoControlCharacters,
  corpusFile,
  fileHash,
  fillDeep,
  readManifest,
  runCliInProcess,
  treeDigest,
} from './corpusSupport';
import {
  BUILTIN_PLAN_LIMITS,
  generatedAgentFile,
  generatedPlan,
  generatedToolArgs,
  RUN_ID,
  toolWorkspace,
  type AgentFileCase,
  type FlagCase,
  type PlanCase,
  type RunFileCase,
  type SettingsCase,
  type ToolCallCase,
} from './corpusCases';

/** A fresh folder for one case, removed afterwards. */
async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ao-corpus-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every input of the corpus is answered with its exact error, and nothing is written or half-applied. */
describe('bad-input corpus (test/fixtures/bad-inputs)', function () {
  this.timeout(60_000);

  describe('plans: validatePlan and `run --plan FILE` (the CLI in process, and for some as a process) refuse them and start nothing', () => {
    useCliBundle();
    let server: FakeModelServer;
    before(async () => (server = await startFakeModelServer()));
    after(() => server.close());
    const manifest = readManifest<PlanCase, PlanCase>('plans');
    const cases = [
      ...manifest.cases.map((c) => ({ ...c, text: () => readFile(corpusFile('plans', c.file!), 'utf8') })),
      ...(manifest.generated ?? []).map((c) => ({ ...c, text: async () => generatedPlan(c.make!) })),
    ];

    for (const c of cases) {
      if (c.issues !== undefined) {
        it(`validatePlan: ${c.name}`, async () => {
          const result = validatePlan(JSON.parse(await c.text()), BUILTIN_PLAN_LIMITS);
          assert.equal(result.ok, false);
          if (result.ok) return;
          assertExactLines(
            result.issues.map((i) => i.message),
            c.issues!,
          );
        });
      }

      const refused = async (
        run: (
          argv: string[],
          env: NodeJS.ProcessEnv,
        ) => Promise<{ code: number | null; stdout: string; stderr: string }>,
      ): Promise<void> => {
        await withTempDir(async (root) => {
          const ws = join(root, 'ws');
          const state = join(root, 'state');
          // The state folder does not exist yet: a refused plan must not create it.
          await Promise.all(['ws', 'home'].map((d) => mkdir(join(root, d))));
          const env = cliEnv(root, { OPENAI_API_KEY: 'sk-corpus-never-sent' });
          await git(ws, env, 'init', '-q');
          const file = join(root, 'plan.json');
          await writeFile(file, await c.text());
          const before = await treeDigest(root);
          const args = [
            '--workspace',
            ws,
            '--state-dir',
            state,
            '--base-url',
            server.openAiBaseUrl,
            '--approve',
            'never',
          ];
          const ran = await run(['run', '--plan', file, ...args], env);
          assert.equal(ran.code, 2, ran.stderr);
          assert.equal(ran.stdout, '');
          const error =
            c.cliError ??
            `The plan {file} cannot run; fix it and run it again:\n${c.issues!.map((i) => `  - ${i}`).join('\n')}`;
          const bytes = String((await stat(file)).size);
          assertExactText(ran.stderr, `agent-orchestrator: ${error}\n`, { file, bytes });
          assertNoControlCharacters(ran.stderr);
          assert.deepEqual(await treeDigest(root), before, 'nothing was written');
          assert.equal(server.requests.length, 0, 'no model was called');
        });
      };
      it(`run --plan (CLI): ${c.name}`, () => refused((argv, env) => runCliInProcess(argv, env, REPO_ROOT)));
      if (c.process) it(`run --plan (CLI process): ${c.name}`, () => refused(runCli));
    }
  });

  describe('flags: the CLI argument parser, and for some the CLI process, refuse them with exit 2', () => {
    useCliBundle();
    for (const c of readManifest<FlagCase>('flags').cases) {
      if (!c.cliOnly) {
        it(`parseCliArgs: ${c.name}`, async () => {
          await withTempDir(async (root) => {
            const ws = join(root, 'ws');
            await mkdir(ws);
            const before = await treeDigest(root);
            const vars = { ws, root, state: join(root, 'state') };
            assert.throws(
              () => parseCliArgs(fillDeep(c.argv, vars), ws),
              (err: unknown) => {
                assert.ok(err instanceof UsageError, String(err));
                assertExactText(err.message, c.error, vars);
                return true;
              },
            );
            assert.deepEqual(await treeDigest(root), before, 'nothing was written');
          });
        });
      }
      if (c.cli || c.cliOnly) {
        it(`CLI process: ${c.name}`, async () => {
          await withTempDir(async (root) => {
            const ws = join(root, 'ws');
            await Promise.all(['ws', 'home'].map((d) => mkdir(join(root, d))));
            const vars = { ws, root, state: join(root, 'state') };
            const before = await treeDigest(root);
            const env = cliEnv(root, { OPENAI_API_KEY: 'sk-corpus-never-sent', ...c.env });
            const where = c.argv[0] === 'run' ? ['--workspace', ws] : [];
            const ran = await runCli([...fillDeep(c.argv, vars), ...where, '--state-dir', vars.state], env);
            assert.equal(ran.code, 2, ran.stderr);
            assert.equal(ran.stdout, '');
            assertExactText(ran.stderr, `agent-orchestrator: ${c.error}\n`, vars);
            assertNoControlCharacters(ran.stderr);
            assert.deepEqual(await treeDigest(root), before, 'nothing was written, not even the state folder');
          });
        });
      }
    }
  });

  describe('settings: parseHostSettings reports each bad value and keeps its default, whole', () => {
    for (const c of readManifest<SettingsCase>('settings').cases) {
      it(`parseHostSettings: ${c.name}`, () => {
        const keys = Object.keys(c.settings);
        for (const key of keys) assert.ok((HOST_SETTING_KEYS as readonly string[]).includes(key), key);
        const given = deepFreeze(structuredClone(c.settings));
        const parsed = parseHostSettings((key: HostSettingKey) => given[key]);
        assert.deepEqual(parsed.problems, c.problems);
        parsed.problems.forEach(assertNoControlCharacters);
        assert.deepEqual(parsed.settings, DEFAULT_HOST_SETTINGS, 'no part of a bad value is applied');
        assert.deepEqual(engineSettingsOf(parsed.settings), engineSettingsOf(DEFAULT_HOST_SETTINGS));
        assert.deepEqual(given, c.settings, 'the input is left as it was');
      });
    }
  });

  describe('checklist 1: tool calls with bad arguments, outside paths, symlinks or hard links are refused and write nothing', () => {
    const manifest = readManifest<ToolCallCase, ToolCallCase>('tool-calls');
    const cases = [...manifest.cases, ...(manifest.generated ?? [])];
    for (const c of cases) {
      const run = async (): Promise<void> => {
        const tw = await toolWorkspace();
        try {
          const vars = { ws: tw.harness.root, outside: tw.harness.outside };
          const args = c.make === undefined ? fillDeep(c.args, vars) : generatedToolArgs(c.make);
          const before = await treeDigest(tw.harness.base);
          if (c.make === 'rawDeepArguments') {
            const parsed = parseToolArguments(args as string);
            assert.equal(parsed.arguments, undefined);
            assertExactText(parsed.argumentsError ?? '', c.error);
          } else {
            const result = await tw.harness.call(fakeTask({ task: { writes: ['**'] } }), c.tool, args);
            assert.equal(result.isError, true, result.content.slice(0, 300));
            assertExactText(result.content, c.error, vars);
          }
          assert.deepEqual(await treeDigest(tw.harness.base), before, 'nothing was written, inside or outside');
          assert.equal(tw.harness.approvals.proposals.length, 0, 'no approval was asked');
        } finally {
          await tw.harness.cleanup();
        }
      };
      // A case may name the branch that makes it pass (`pending`); it is skipped until that branch is merged.
      if (c.pending !== undefined) it.skip(`tool call: ${c.name} [pending: ${c.pending}]`, run);
      else it(`tool call: ${c.name}`, run);
    }
  });

  describe('agent files: the custom-agent loader skips each bad file with its exact error', () => {
    const manifest = readManifest<AgentFileCase, AgentFileCase>('agent-files');
    const knownTools = builtinTools().map((t) => t.name);
    for (const c of [...manifest.cases, ...(manifest.generated ?? [])]) {
      it(`loadCustomAgents: ${c.name}`, async () => {
        await withTempDir(async (root) => {
          const ws = join(root, 'ws');
          const dir = join(ws, ...CUSTOM_AGENTS_DIR.split('/'));
          await mkdir(dir, { recursive: true });
          if (c.make === undefined) cpSync(corpusFile('agent-files', c.file!), join(dir, c.file!));
          else await generatedAgentFile(c.make, dir, root);
          const before = await treeDigest(root);
          const loaded = await loadCustomAgents(dir, { knownTools, displayDir: CUSTOM_AGENTS_DIR });
          assert.deepEqual(
            loaded.agents.map((a) => a.definition.id),
            [],
          );
          assertExactLines(loaded.errors.join('\n').split('\n'), c.errors);
          loaded.errors.forEach(assertNoControlCharacters);
          assert.deepEqual(await treeDigest(root), before, 'nothing was written');
        });
      });
    }
  });

  describe('run files: truncated, corrupt and foreign run files are reported, and a bad snapshot is quarantined, never deleted', () => {
    for (const c of readManifest<RunFileCase>('run-files').cases) {
      const stage = async (root: string): Promise<string> => {
        const runDir = join(root, 'runs', RUN_ID);
        await mkdir(join(root, 'runs'));
        cpSync(corpusFile('run-files', c.dir), runDir, { recursive: true });
        return runDir;
      };
      const expectState = (state: { lastSeq: number; status: string; tasks: Record<string, unknown> }): void =>
        assert.deepEqual(
          { lastSeq: state.lastSeq, status: state.status, tasks: Object.keys(state.tasks).length },
          c.state,
        );
      const readOnly = (): Promise<void> =>
        withTempDir(async (root) => {
          const runDir = await stage(root);
          const before = await treeDigest(root);
          const loaded = await new RunStore({ root }).load(RUN_ID);
          assertExactLines(loaded.warnings, c.load, { runDir });
          loaded.warnings.forEach(assertNoControlCharacters);
          expectState(loaded.state);
          assert.deepEqual(await treeDigest(root), before, 'reading a run writes nothing');
        });
      const recovery = (): Promise<void> =>
        withTempDir(async (root) => {
          const runDir = await stage(root);
          const hashes = await Promise.all(c.quarantined.map((f) => fileHash(join(runDir, f))));
          const kept = (await treeDigest(runDir)).filter((l) => !c.quarantined.includes(l.split(' ')[0]!));
          const recovered = await recoverRunState(runDir, RUN_ID, { quarantine: true });
          const moved = c.quarantined.length === 0 ? [] : (await readdir(join(runDir, 'quarantine'))).sort();
          assert.equal(moved.length, c.quarantined.length, `quarantined: ${moved.join(', ')}`);
          const movedHashes = await Promise.all(moved.map((f) => fileHash(join(runDir, 'quarantine', f))));
          assert.deepEqual(movedHashes.sort(), [...hashes].sort(), 'quarantined byte for byte');
          const quarantined = moved[0] === undefined ? '' : join(runDir, 'quarantine', moved[0]);
          assertExactLines(recovered.warnings, c.recover, { runDir, quarantined });
          recovered.warnings.forEach(assertNoControlCharacters);
          expectState(recovered.state);
          const after = (await treeDigest(runDir)).filter((l) => !l.startsWith('quarantine'));
          assert.deepEqual(after, kept, 'nothing else was changed or removed');
        });
      // Nothing to rebuild (checklist 16): loading and recovery both throw the same exact error, and both move
      // every damaged file into quarantine/ byte for byte, since no other process owns the run.
      const unreadable = (how: 'load' | 'recover') => (): Promise<void> =>
        withTempDir(async (root) => {
          const runDir = await stage(root);
          const hashes = await Promise.all(c.quarantined.map((f) => fileHash(join(runDir, f))));
          const open =
            how === 'load'
              ? new RunStore({ root }).load(RUN_ID)
              : recoverRunState(runDir, RUN_ID, { quarantine: true });
          await assert.rejects(open, (err: Error) => {
            assert.equal(err.name, 'UnreadableRunError');
            assertExactText(err.message, c.unreadable!, { runDir });
            assertNoControlCharacters(err.message);
            return true;
          });
          const moved = (await readdir(join(runDir, 'quarantine'))).sort();
          const movedHashes = await Promise.all(moved.map((f) => fileHash(join(runDir, 'quarantine', f))));
          assert.deepEqual(movedHashes.sort(), [...hashes].sort(), 'quarantined byte for byte');
          assert.deepEqual((await readdir(runDir)).sort(), ['quarantine'], 'nothing else is left or made');
        });
      const register = c.pending === undefined ? it : it.skip;
      const note = c.pending === undefined ? '' : ` [pending: ${c.pending}]`;
      if (c.unreadable === undefined) register(`RunStore.load (read-only): ${c.name}${note}`, readOnly);
      else register(`RunStore.load: ${c.name}${note}`, unreadable('load'));
      register(
        `recoverRunState (resume): ${c.name}${note}`,
        c.unreadable === undefined ? recovery : unreadable('recover'),
      );
    }
  });
});

/** Freezes a JSON value all the way down, so a parser that tried to change its input would throw. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
