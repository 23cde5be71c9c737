import * as assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import {
  blankedEnvironment,
  childEnvironment,
  looksLikeSecret,
  scrubbedNames,
} from '../../../src/core/verify/childEnvironment';
import { providerKeyEnvNames } from '../../../src/core/engine/assembleEngine';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';

const SECRETS: Record<string, string> = {
  OPENAI_API_KEY: 'sk-openai-leak-1111',
  ANTHROPIC_API_KEY: 'sk-ant-leak-2222',
  GITHUB_TOKEN: 'ghp_leak_3333',
  MY_SECRET: 'my-secret-leak-4444',
  DB_PASSWORD: 'db-password-leak-5555',
  AWS_SECRET_ACCESS_KEY: 'aws-leak-6666',
};

describe('checklist 28: commands get a scrubbed environment built by allow-list', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    LANG: 'C.UTF-8',
    LC_ALL: 'C',
    TERM: 'xterm',
    NODE_OPTIONS: '--require /tmp/evil.js',
    SOME_TOOL_SETTING: 'x',
    MY_APP_MODE: 'dev',
    MY_APP_TOKEN: 'app-token-leak',
    CUSTOM_PROVIDER_VAR: 'provider-leak',
    ...SECRETS,
  };

  it('keeps the base set and drops everything else, secrets included', () => {
    const env = childEnvironment(parent, { platform: 'linux' });
    assert.deepEqual(env, { PATH: '/usr/bin', HOME: '/home/u', LANG: 'C.UTF-8', LC_ALL: 'C', TERM: 'xterm' });
  });

  it('keeps allow-listed names and patterns, but a pattern never brings back a secret', () => {
    const env = childEnvironment(parent, { platform: 'linux', pass: ['SOME_TOOL_SETTING', 'MY_APP_*', 'GITHUB_*'] });
    assert.equal(env.SOME_TOOL_SETTING, 'x');
    assert.equal(env.MY_APP_MODE, 'dev');
    assert.equal(env.MY_APP_TOKEN, undefined);
    assert.equal(env.GITHUB_TOKEN, undefined);
  });

  it('an exact allow-listed name keeps even a secret-looking variable', () => {
    const env = childEnvironment(parent, { platform: 'linux', pass: ['GITHUB_TOKEN'] });
    assert.equal(env.GITHUB_TOKEN, SECRETS.GITHUB_TOKEN);
    assert.equal(env.OPENAI_API_KEY, undefined);
  });

  it('provider key variables are removed whatever their name, unless named exactly', () => {
    assert.ok(looksLikeSecret('CUSTOM_PROVIDER_VAR', ['CUSTOM_PROVIDER_VAR']));
    const env = childEnvironment(parent, {
      platform: 'linux',
      pass: ['CUSTOM_*'],
      secretNames: ['CUSTOM_PROVIDER_VAR'],
    });
    assert.equal(env.CUSTOM_PROVIDER_VAR, undefined);
  });

  it("the provider table's key variables are withheld, and a fixed endpoint's description is not a name", () => {
    assert.deepEqual(providerKeyEnvNames(BUILTIN_PROVIDERS).sort(), ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY']);
  });

  it('secret-looking names are recognised', () => {
    for (const name of Object.keys(SECRETS)) assert.ok(looksLikeSecret(name), name);
    for (const name of ['PATH', 'HOME', 'KEYBOARD', 'TOKENIZER_PATH']) assert.ok(!looksLikeSecret(name), name);
  });

  it('on Windows keeps the names programs need, ignoring case', () => {
    const env = childEnvironment(
      { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', COMSPEC: 'cmd.exe', PATHEXT: '.EXE', OPENAI_API_KEY: 'k' },
      { platform: 'win32' },
    );
    assert.deepEqual(Object.keys(env).sort(), ['COMSPEC', 'PATHEXT', 'Path', 'SystemRoot']);
  });

  it('for VS Code tasks, every withheld name is blanked (the task env is merged over the process env)', () => {
    const names = scrubbedNames(parent, { platform: 'linux' });
    assert.ok(names.includes('OPENAI_API_KEY') && names.includes('NODE_OPTIONS'));
    assert.ok(!names.includes('PATH'));
    const blanked = blankedEnvironment(parent, { platform: 'linux' });
    for (const name of Object.keys(SECRETS)) assert.equal(blanked[name], '');
    assert.equal(blanked.PATH, undefined);
    const merged = { ...parent, ...blanked };
    for (const value of Object.values(SECRETS)) assert.ok(!Object.values(merged).includes(value));
  });

  describe('through the ChildProcessRunner', () => {
    const saved: Record<string, string | undefined> = {};
    before(() => {
      for (const [name, value] of Object.entries(SECRETS)) {
        saved[name] = process.env[name];
        process.env[name] = value;
      }
    });
    after(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('a child that prints its environment prints no key, token, secret or password', async () => {
      const runner = new ChildProcessRunner();
      const command = `${JSON.stringify(process.execPath)} -e "console.log(JSON.stringify(process.env))"`;
      const result = await runner.run(
        { name: 'env', command },
        { signal: new AbortController().signal, cwd: tmpdir() },
      );
      assert.equal(result.exitCode, 0, result.output);
      const printed = JSON.parse(result.output.trim().split('\n').pop() ?? '{}') as Record<string, string>;
      assert.ok(printed.PATH !== undefined, 'PATH is kept');
      for (const value of Object.values(SECRETS)) assert.ok(!result.output.includes(value), `leaked ${value}`);
    });

    it('passes a name the user allow-listed exactly', async () => {
      const runner = new ChildProcessRunner({ passEnv: ['GITHUB_TOKEN'] });
      const command = `${JSON.stringify(process.execPath)} -e "console.log(process.env.GITHUB_TOKEN, process.env.OPENAI_API_KEY)"`;
      const result = await runner.run(
        { name: 'env', command },
        { signal: new AbortController().signal, cwd: tmpdir() },
      );
      assert.equal(result.output.trim(), `${SECRETS.GITHUB_TOKEN} undefined`);
    });
  });
});
