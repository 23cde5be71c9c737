/**
 * An offline demo of the headless CLI: a scripted, clearly labelled demo model (the loopback
 * server the tests use) plans a small goal, and three agents edit a throw-away git workspace in
 * parallel. No API key and no network are needed. Run: npm run demo
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DemoModelServer } from '../src/demo/demoModelServer';

async function main(): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), 'agent-orchestrator-demo-'));
  writeFileSync(join(ws, 'README.md'), '# Demo workspace\n');
  const git = (...args: string[]): void =>
    void execFileSync('git', args, {
      cwd: ws,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'demo',
        GIT_AUTHOR_EMAIL: 'demo@example.invalid',
        GIT_COMMITTER_NAME: 'demo',
        GIT_COMMITTER_EMAIL: 'demo@example.invalid',
      },
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'demo start');
  const server = await DemoModelServer.start();
  process.stderr.write(
    `\n*** OFFLINE DEMO: answers come from a scripted demo model on ${server.baseUrl}, not from a real LLM. ***\nWorkspace: ${ws}\n\n`,
  );
  const cli = resolve(__dirname, '..', 'dist', 'cli.js');
  const child = spawn(
    process.execPath,
    [
      cli,
      'run',
      'Write the project notes',
      '--provider',
      'openai',
      '--workspace',
      ws,
      '--state-dir',
      join(ws, '.demo-state'),
      '--approve',
      'auto',
      '--verify',
      'git status --short',
      '--base-url',
      server.baseUrl,
      '--model',
      server.model,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, OPENAI_API_KEY: server.token },
    },
  );
  const code = await new Promise<number>((done) => child.on('exit', (c) => done(c ?? 1)));
  await server.close();
  process.stderr.write(
    `\nDemo finished with exit code ${code}. Look at the files in ${ws}; the run is stored in ${join(ws, '.demo-state')}.\n`,
  );
  process.exit(code);
}

void main();
