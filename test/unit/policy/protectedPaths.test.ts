import * as assert from 'node:assert/strict';
import {
  createProtectedPathMatcher,
  DEFAULT_PROTECTED_PATHS,
  isProtectedPath,
} from '../../../src/core/policy/protectedPaths';

describe('protectedPaths (checklist 4)', () => {
  const protectedPaths = [
    '.vscode',
    '.vscode/settings.json',
    '.vscode/tasks.json',
    'packages/app/.vscode/launch.json',
    'project.code-workspace',
    'nested/dir/team.code-workspace',
    '.git',
    '.git/config',
    '.git/hooks/pre-commit',
    '.env',
    '.env.local',
    'services/api/.env.production',
    '.envrc',
    '.orchestrator/policy.json',
    '.mcp.json',
    'tools/mcp.json',
    '.cursor/mcp.json',
    '.cursor/rules/x.mdc',
    '.clinerules',
    '.clinerules/rule.md',
    '.roo/mcp.json',
    '.claude/settings.json',
    'sub/.claude/settings.local.json',
    '.github/copilot-instructions.md',
  ];
  for (const relative of protectedPaths) {
    it(`protects ${relative}`, () => {
      assert.equal(isProtectedPath(relative), true);
    });
  }

  const ordinaryPaths = [
    'src/a.ts',
    'README.md',
    'vscode/notes.md',
    'environment.ts',
    'docs/git.md',
    'src/mcp.ts',
    'gitignore',
  ];
  for (const relative of ordinaryPaths) {
    it(`does not protect ${relative}`, () => {
      assert.equal(isProtectedPath(relative), false);
    });
  }

  it('ignores case, a leading "./" and backslashes, which alias the same file elsewhere', () => {
    assert.equal(isProtectedPath('.VSCode/Settings.json'), true);
    assert.equal(isProtectedPath('./.vscode/settings.json'), true);
    assert.equal(isProtectedPath('.vscode\\settings.json'), true);
    assert.equal(isProtectedPath('.GIT/HOOKS/pre-commit'), true);
  });

  it('adds extra globs on top of the defaults', () => {
    assert.equal(isProtectedPath('deploy/prod.yaml'), false);
    assert.equal(isProtectedPath('deploy/prod.yaml', ['deploy/**']), true);
    assert.equal(isProtectedPath('.vscode/settings.json', ['deploy/**']), true);
  });

  it('reports which glob matched', () => {
    const match = createProtectedPathMatcher(DEFAULT_PROTECTED_PATHS);
    assert.equal(match('.vscode/settings.json'), '**/.vscode/**');
    assert.equal(match('src/a.ts'), undefined);
  });

  it('gives the same answers when it remembers them, also past its memory and for other spellings', () => {
    const match = createProtectedPathMatcher(DEFAULT_PROTECTED_PATHS);
    const asked = ['.vscode/settings.json', 'src/a.ts', './.VSCODE\\tasks.json', '.env.local', 'README.md'];
    const first = asked.map((p) => match(p));
    assert.deepEqual(first, ['**/.vscode/**', undefined, '**/.vscode/**', '**/.env*', undefined]);
    for (let i = 0; i < 1500; i++) match(`src/file-${i}.ts`);
    assert.deepEqual(
      asked.map((p) => match(p)),
      first,
    );
    assert.equal(match('.vscode'), '**/.vscode', 'a remembered ".vscode/…" answer is not reused for another path');
    assert.equal(isProtectedPath('deploy/prod.yaml', ['deploy/**']), true);
    assert.equal(isProtectedPath('deploy/prod.yaml', ['other/**']), false, 'extra lists are told apart');
  });

  it('cannot be changed at run time', () => {
    assert.ok(Object.isFrozen(DEFAULT_PROTECTED_PATHS));
    assert.throws(() => (DEFAULT_PROTECTED_PATHS as string[]).pop(), TypeError);
  });
});
