import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { version } from '../../../package.json';
import { cliEnv, mapLimited, runCli, type CliRun, useCliBundle } from '../../support/cliProcess';

interface UsageCase {
  name: string;
  args: (dirs: { state: string; ws: string; file: string }) => string[];
  env?: Record<string, string>;
  stderr: RegExp;
}

const KEY = { OPENAI_API_KEY: 'test-key-not-used-0123456789' };

/** Every bad input must exit 2 with one clear line saying what to do, and print nothing on stdout. */
const CASES: UsageCase[] = [
  { name: 'no command', args: () => [], stderr: /No command given\. Use one of: run, plan, resume, list, show/ },
  { name: 'an unknown command', args: () => ['frobnicate'], stderr: /Unknown command "frobnicate"/ },
  { name: 'run without a goal', args: () => ['run'], stderr: /A goal is needed, e\.g\./ },
  { name: 'an empty goal', args: () => ['run', '   '], stderr: /The goal is empty/ },
  {
    name: 'an unquoted goal',
    args: () => ['run', 'add', 'tests'],
    stderr: /put the goal in quotes: agent-orchestrator run "add tests"/,
  },
  { name: 'an unknown flag', args: () => ['run', 'g', '--frobnicate'], stderr: /Unknown option --frobnicate/ },
  {
    name: 'a misspelt flag',
    args: () => ['run', 'g', '--dryrun'],
    stderr: /Unknown option --dryrun\. Did you mean --dry-run\?/,
  },
  {
    name: 'a flag without its value',
    args: () => ['run', 'g', '--workspace'],
    stderr: /--workspace needs a value, e\.g\. --workspace/,
  },
  {
    name: 'a flag given twice',
    args: () => ['run', 'g', '--model', 'a', '--model', 'b'],
    stderr: /--model was given twice/,
  },
  { name: 'a value on a switch', args: () => ['run', 'g', '--json=yes'], stderr: /--json takes no value/ },
  {
    name: 'non-numeric concurrency',
    args: () => ['run', 'g', '--concurrency', 'many'],
    stderr: /--concurrency must be a whole number from 1 to 64; got "many"/,
  },
  {
    name: 'zero concurrency',
    args: () => ['run', 'g', '--concurrency', '0'],
    stderr: /--concurrency must be a whole number from 1 to 64; got "0"/,
  },
  {
    name: 'too much concurrency',
    args: () => ['run', 'g', '--concurrency', '65'],
    stderr: /--concurrency must be a whole number from 1 to 64/,
  },
  {
    name: 'a negative token budget',
    args: () => ['run', 'g', '--budget-tokens', '-5'],
    stderr: /--budget-tokens must be a whole number of at least 1; got "-5"/,
  },
  {
    name: 'a fractional token budget',
    args: () => ['run', 'g', '--budget-tokens', '1.5'],
    stderr: /--budget-tokens must be a whole number/,
  },
  {
    name: 'a zero money budget',
    args: () => ['run', 'g', '--budget-usd', '0'],
    stderr: /--budget-usd must be an amount in US dollars above 0/,
  },
  {
    name: 'a non-numeric money budget',
    args: () => ['run', 'g', '--budget-usd', 'lots'],
    stderr: /--budget-usd must be an amount/,
  },
  {
    name: 'a base URL that is not a URL',
    args: () => ['run', 'g', '--base-url', 'not a url'],
    stderr: /--base-url "not a url" is not a URL/,
  },
  {
    name: 'a base URL that is not http',
    args: () => ['run', 'g', '--base-url', 'ftp://models.example'],
    stderr: /--base-url must be an http:\/\/ or https:\/\/ URL/,
  },
  {
    name: 'a base URL with credentials',
    args: () => ['run', 'g', '--base-url', 'https://user:pw@models.example'],
    stderr: /must not contain a user name or password/,
  },
  {
    name: 'an unknown provider',
    args: () => ['run', 'g', '--provider', 'gemini'],
    stderr: /Unknown provider "gemini"; use one of: --provider openai .*, --provider anthropic/,
  },
  {
    name: 'an unknown approval mode',
    args: () => ['run', 'g', '--approve', 'sometimes'],
    stderr: /Unknown approval mode "sometimes"/,
  },
  {
    name: 'a workspace that does not exist',
    args: ({ ws }) => ['run', 'g', '--workspace', join(ws, 'missing')],
    stderr: /The workspace folder .*missing does not exist; pass an existing folder with --workspace DIR/,
  },
  {
    name: 'a workspace that is a file',
    args: ({ file }) => ['run', 'g', '--workspace', file],
    stderr: /is not a folder/,
  },
  {
    name: 'a state dir that is a file',
    args: ({ file }) => ['list', '--state-dir', file],
    stderr: /--state-dir .* is a file, not a folder/,
  },
  {
    name: 'no API key at all',
    args: ({ ws }) => ['run', 'g', '--workspace', ws],
    stderr: /No API key is set\. export OPENAI_API_KEY .* Or: export ANTHROPIC_API_KEY/,
  },
  {
    name: "the chosen provider's key missing",
    args: ({ ws }) => ['run', 'g', '--workspace', ws, '--provider', 'anthropic'],
    env: KEY,
    stderr: /No Anthropic API key is set: export ANTHROPIC_API_KEY/,
  },
  {
    name: 'a remote base URL without a key',
    args: ({ ws }) => ['run', 'g', '--workspace', ws, '--base-url', 'https://models.example/v1'],
    stderr: /No API key/,
  },
  {
    name: '--approve prompt without a terminal',
    args: ({ ws }) => ['run', 'g', '--workspace', ws, '--approve', 'prompt'],
    env: KEY,
    stderr: /--approve prompt needs a terminal/,
  },
  {
    name: 'a bad rate limit in the environment',
    args: ({ ws }) => ['run', 'g', '--workspace', ws],
    env: { ...KEY, AGENT_ORCHESTRATOR_RPM: 'fast' },
    stderr: /AGENT_ORCHESTRATOR_RPM must be a whole number/,
  },
  {
    name: '--json with --markdown',
    args: () => ['show', 'run-1', '--json', '--markdown'],
    stderr: /--json and --markdown cannot be combined/,
  },
  { name: 'show without a run id', args: () => ['show'], stderr: /`show` needs a run id/ },
  { name: 'show with a malformed run id', args: () => ['show', '../etc'], stderr: /"\.\.\/etc" is not a run id/ },
  { name: 'show of an unknown run', args: () => ['show', 'run-unknown'], stderr: /There is no run "run-unknown"/ },
  {
    name: 'resume of an unknown run',
    args: () => ['resume', 'run-unknown'],
    env: KEY,
    stderr: /There is no run "run-unknown"/,
  },
  {
    name: 'resume with a flag that only run takes',
    args: () => ['resume', 'run-1', '--model', 'x'],
    stderr: /--model is not an option of `resume`\. A run keeps the provider, model and base URL/,
  },
  {
    name: 'list with an extra argument',
    args: () => ['list', 'extra'],
    stderr: /Unexpected argument "extra" for `list`/,
  },
  {
    name: 'help for an unknown command',
    args: () => ['help', 'frobnicate'],
    stderr: /There is no command "frobnicate"/,
  },
];

describe('CLI: bad usage exits 2 with a clear message (real child processes)', function () {
  this.timeout(120_000);
  useCliBundle();
  let root: string;
  const results = new Map<string, CliRun>();

  before(async function () {
    // Every case starts a CLI process: the budget grows with their number, and no more run at once than
    // there are CPUs (on a loaded 2-CPU machine, 39 starts 8 at a time outlasted a fixed 120 s).
    this.timeout(CASES.length * 10_000);
    root = await mkdtemp(join(tmpdir(), 'ao-cli-usage-'));
    const dirs = { state: join(root, 'state'), ws: join(root, 'ws'), file: join(root, 'a-file.txt') };
    await mkdir(dirs.ws);
    await mkdir(join(root, 'home'));
    await writeFile(dirs.file, 'not a folder\n');
    const runs = await mapLimited(CASES, availableParallelism(), (c) =>
      runCli(
        [...c.args(dirs), ...(c.args(dirs).includes('--state-dir') ? [] : ['--state-dir', dirs.state])],
        cliEnv(root, c.env),
      ),
    );
    CASES.forEach((c, i) => results.set(c.name, runs[i]!));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`refuses ${c.name}`, () => {
      const r = results.get(c.name)!;
      assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
      assert.match(r.stderr, c.stderr);
      assert.match(r.stderr, /^agent-orchestrator: .+\n$/, 'one line on stderr');
      assert.equal(r.stdout, '', 'nothing on stdout');
    });
  }

  it('--help, help <command> and --version exit 0 on stdout', async () => {
    const [help, helpRun, ver] = await Promise.all([
      runCli(['--help'], cliEnv(root)),
      runCli(['help', 'run'], cliEnv(root)),
      runCli(['--version'], cliEnv(root)),
    ]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage:\n {2}agent-orchestrator run "<goal>"/);
    assert.match(help.stdout, /Exit codes:[\s\S]*3 {2}the run is paused/);
    assert.equal(helpRun.code, 0);
    assert.match(helpRun.stdout, /--budget-usd X/);
    assert.doesNotMatch(helpRun.stdout, /agent-orchestrator list/);
    assert.equal(ver.code, 0);
    assert.equal(ver.stdout, `${version}\n`);
  });
});
