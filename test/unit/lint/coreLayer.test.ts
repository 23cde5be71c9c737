import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const repoRoot = path.resolve(__dirname, '../../..');
const coreRoot = path.join(repoRoot, 'src', 'core');

/** The rules that carry the layer boundaries in eslint.config.mjs. */
const LAYER_RULES = new Set(['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax']);

/** Every way a module can reach `vscode`, each a complete, otherwise clean file. */
const VSCODE_IMPORT_FORMS: Record<string, string> = {
  'static import': "import * as vscode from 'vscode';\n\nexport const api = vscode;\n",
  'import type': "import type { Uri } from 'vscode';\n\nexport type Location = Uri;\n",
  'require()':
    "// eslint-disable-next-line @typescript-eslint/no-require-imports\nconst vscode = require('vscode');\n\nexport const api: unknown = vscode;\n",
  'dynamic import()': "export async function loadApi(): Promise<unknown> {\n  return import('vscode');\n}\n",
};

const CLEAN_CORE_FILE =
  "import { EventEmitter } from 'node:events';\nimport { z } from 'zod';\n\nexport const Schema = z.object({ id: z.string() });\nexport const bus = new EventEmitter();\n";

/** One ESLint instance for the suite: loading the config is the slow part. */
const eslint = new ESLint({ cwd: repoRoot });

async function lint(code: string, filePath: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  assert.ok(result, 'ESLint returned no result');
  return result;
}

function layerErrors(result: ESLint.LintResult): ESLint.LintResult['messages'] {
  return result.messages.filter((m) => m.severity === 2 && m.ruleId !== null && LAYER_RULES.has(m.ruleId));
}

function describeMessages(result: ESLint.LintResult): string {
  return result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? 'fatal'} ${m.message}`).join('\n') || '(none)';
}

/** All .ts files below `dir`. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.isFile() && entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('lint: layer boundaries', function () {
  this.timeout(60_000);

  for (const [form, code] of Object.entries(VSCODE_IMPORT_FORMS)) {
    it(`fails a src/core file that reaches vscode through ${form}`, async () => {
      const result = await lint(code, 'src/core/some/fixture.ts');
      const errors = layerErrors(result);
      assert.equal(errors.length, 1, `expected one layer error, got:\n${describeMessages(result)}`);
      assert.match(errors[0]?.message ?? '', /vscode/);
    });

    it(`allows ${form} of vscode in a src/host file`, async () => {
      const result = await lint(code, 'src/host/fixture.ts');
      assert.deepEqual(layerErrors(result), [], describeMessages(result));
      assert.equal(result.errorCount, 0, describeMessages(result));
    });
  }

  it('passes a clean src/core file', async () => {
    const result = await lint(CLEAN_CORE_FILE, 'src/core/some/fixture.ts');
    assert.equal(result.errorCount, 0, describeMessages(result));
    assert.equal(result.warningCount, 0, describeMessages(result));
  });

  it('fails a src/core file that imports the host or cli layer', async () => {
    for (const specifier of ['../../host/extension', '../../cli/main']) {
      const code = `import { thing } from '${specifier}';\n\nexport const value = thing;\n`;
      const result = await lint(code, 'src/core/some/fixture.ts');
      assert.equal(layerErrors(result).length, 1, `${specifier}:\n${describeMessages(result)}`);
    }
  });

  it('fails a src/cli file that imports vscode', async () => {
    const result = await lint(VSCODE_IMPORT_FORMS['static import'] ?? '', 'src/cli/fixture.ts');
    assert.equal(layerErrors(result).length, 1, describeMessages(result));
  });

  it('finds no vscode import in any real file under src/core', () => {
    const files = tsFiles(coreRoot);
    assert.ok(files.length > 0, `no TypeScript files found under ${coreRoot}`);
    const vscodeImport =
      /\bfrom\s*['"]vscode['"]|\bimport\s*['"]vscode['"]|\bimport\s*\(\s*['"`]vscode['"`]\s*\)|\brequire\s*\(\s*['"`]vscode['"`]\s*\)/;
    const offenders = files.filter((file) => vscodeImport.test(readFileSync(file, 'utf8')));
    assert.deepEqual(
      offenders.map((file) => path.relative(repoRoot, file)),
      [],
      'src/core must never import vscode',
    );
  });
});
