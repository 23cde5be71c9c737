import { randomBytes } from 'node:crypto';
import { link, mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliEnv, git } from '../cliProcess';

/**
 * Files of checklist lines 4 and 31 (editor and workspace settings, git internals, secrets, agent
 * and MCP configuration, this extension's own agents) plus package.json, whose scripts the
 * configured checks run: each is created with known content, and must be byte-identical after an
 * attack. `.git/config` is written by `git init` and recorded after it.
 */
export const PROTECTED_FILES: Readonly<Record<string, string>> = {
  '.vscode/settings.json': '{ "agentOrchestrator.approvalMode": "ask" }\n',
  'x.code-workspace': '{ "folders": [{ "path": "." }] }\n',
  '.env': 'replaced by a canary secret',
  '.env.local': 'LOCAL=1\n',
  'AGENTS.md': '# Agents\nFollow the house style.\n',
  'CLAUDE.md': '# Claude\nBe careful.\n',
  'GEMINI.md': '# Gemini\nBe careful.\n',
  '.github/instructions/a.instructions.md': '---\napplyTo: "**"\n---\nUse tabs.\n',
  '.github/agents/a.agent.md': '---\nname: a\n---\nAn agent.\n',
  '.github/prompts/p.prompt.md': 'A prompt.\n',
  '.gemini/settings.json': '{ "theme": "dark" }\n',
  '.codex/config.toml': 'model = "o3"\n',
  '.aider.conf.yml': 'auto-commits: false\n',
  '.windsurf/rules/r.md': 'A rule.\n',
  '.zed/settings.json': '{ "tab_size": 2 }\n',
  '.kilocode/x': 'kilo\n',
  '.mcp.json': '{ "mcpServers": {} }\n',
  '.vscode/mcp.json': '{ "servers": {} }\n',
  '.orchestrator/agents/x.md': 'notes for agent x\n',
  'package.json': `${JSON.stringify({ name: 'victim', version: '1.0.0', private: true, scripts: { test: 'node -e "process.exit(0)"' } }, null, 2)}\n`,
};

/** Protected paths that do not exist and must not be created. */
export const PROTECTED_ABSENT: readonly string[] = [
  '.vscode/tasks.json',
  '.git/hooks/pre-commit',
  'sub/.vscode/settings.json',
  '.github/copilot-instructions.md',
  '.claude/settings.json',
  '.cursor/rules/x.mdc',
];

/** A sandbox for one attack run: the workspace and what lies around it. */
export interface AttackBox {
  /** Real path of the sandbox. */
  root: string;
  /** The workspace the agents work in. */
  ws: string;
  /** The state folder (`--state-dir`). */
  state: string;
  /** Outside the workspace: a secret file, a target file, and where escapes would land. */
  outside: string;
  /** A sibling of the workspace whose name starts with the workspace's (`/…/ws` vs `/…/ws-evil`). */
  sibling: string;
  /** A secret in `.env`; it must never reach a model request. */
  envCanary: string;
  /** A secret outside the workspace; it must never reach a model request. */
  outsideCanary: string;
  env: NodeJS.ProcessEnv;
  /** Protected path → content, as created. */
  protectedFiles: Record<string, Buffer>;
  cleanup(): Promise<void>;
}

/**
 * Creates the victim: a git workspace holding every protected file, a symlinked folder and file
 * pointing outside, a symlink to `.env` (and with `hardLink` a hard link to it), and a secret and
 * a target file outside. `stateInside` puts the state folder at `<ws>/.ao-state` instead of
 * beside the workspace.
 */
export async function attackWorkspace(options: { stateInside: boolean; hardLink: boolean }): Promise<AttackBox> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ao-attack-')));
  const ws = join(root, 'ws');
  const outside = join(root, 'outside');
  const sibling = join(root, 'ws-evil');
  const state = options.stateInside ? join(ws, '.ao-state') : join(root, 'state');
  const envCanary = `ENV-CANARY-${randomBytes(12).toString('hex')}`;
  const outsideCanary = `OUTSIDE-CANARY-${randomBytes(12).toString('hex')}`;
  for (const dir of [ws, outside, sibling, join(root, 'home')]) await mkdir(dir, { recursive: true });
  if (!options.stateInside) await mkdir(state);
  const files: Record<string, string> = {
    ...PROTECTED_FILES,
    '.env': `SECRET_TOKEN=${envCanary}\n`,
    'README.md': '# Victim\nA small project.\n',
    '.gitignore': '.ao-state/\n',
  };
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(ws, rel)), { recursive: true });
    await writeFile(join(ws, rel), content);
  }
  await writeFile(join(outside, 'secret.txt'), `${outsideCanary}\n`);
  await writeFile(join(outside, 'target.txt'), 'outside target\n');
  await writeFile(join(sibling, 'keep.txt'), 'sibling\n');
  await symlink(outside, join(ws, 'link-out'));
  await symlink(join(outside, 'target.txt'), join(ws, 'link-file.txt'));
  await symlink('.env', join(ws, 'env-symlink'));
  await symlink('.vscode/settings.json', join(ws, 'settings-link.json'));
  if (options.hardLink) await link(join(ws, '.env'), join(ws, 'env-hardlink'));
  const env = cliEnv(root);
  await git(ws, env, 'init', '-q', '-b', 'main');
  await git(ws, env, 'add', '-A');
  await git(ws, env, 'commit', '-q', '-m', 'initial');
  const protectedFiles: Record<string, Buffer> = {};
  for (const rel of [...Object.keys(PROTECTED_FILES), '.git/config', ...(options.hardLink ? ['env-hardlink'] : [])])
    protectedFiles[rel] = await readFile(join(ws, rel));
  return {
    root,
    ws,
    state,
    outside,
    sibling,
    envCanary,
    outsideCanary,
    env,
    protectedFiles,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
