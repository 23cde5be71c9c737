import assert from 'node:assert/strict';
import { estimateContextTokens } from '../../../src/core/plan/contextBudget';
import { WorkspaceIndex } from '../../../src/core/plan/workspaceIndex';
import {
  formatWorkspaceSummary,
  summariseWorkspace,
  WorkspaceSummariser,
  type WorkspaceSummary,
  type WorkspaceSummaryOptions,
} from '../../../src/core/plan/workspaceSummary';
import { countingWorkspace, tempWorkspace, type TempWorkspace } from '../../support/tempWorkspace';

/** Files in French, Russian and Chinese, each with look-alike neighbours in the same language. */
const MULTILINGUAL = {
  'README.md': '# Boutique\n\nUne boutique en ligne. Интернет-магазин. 网上商店。\n',
  'src/auth/jwt.ts': [
    "// Vérifie le jeton JWT pour l'authentification de l'API.",
    'export function verifierJeton(jeton: string): boolean {',
    '  return jeton.length > 0;',
    '}',
  ].join('\n'),
  'src/db/base.ts': '// Connexion à la base de données de la boutique.\nexport const base = {};\n',
  'src/ui/fenetre.ts': '// Créer la fenêtre principale.\nexport function creerFenetre() {}\n',
  'src/mail/validate.ts': [
    '// Проверка адреса электронной почты перед отправкой письма.',
    'export function validateEmail(address: string): boolean {',
    "  return address.includes('@');",
    '}',
  ].join('\n'),
  'src/report/monthly.ts': '// Ежемесячный отчёт о продажах магазина.\nexport const monthly = {};\n',
  'src/user/login.ts': [
    '// 用户登录：检查用户名和密码。',
    'export function login(name: string, password: string): boolean {',
    '  return name.length > 0 && password.length > 0;',
    '}',
  ].join('\n'),
  'src/order/pay.ts': '// 订单支付：调用支付网关。\nexport function pay() {}\n',
};

/** A generated workspace of `count` files in nested folders, a few of them about invoices. */
function largeWorkspace(count: number): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': `# Big project\n\n${'This project has many modules. '.repeat(400)}\n`,
    'package.json': JSON.stringify(
      { name: 'big', dependencies: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`dep-${i}`, '^1.0.0'])) },
      null,
      2,
    ),
  };
  for (let i = 0; i < count; i++) {
    const dir = `packages/pkg${i % 20}/src/area${i % 7}/part${i % 3}`;
    const about = i % 500 === 0 ? 'invoice totals and invoice taxes' : `helper number ${i}`;
    files[`${dir}/module${i}.ts`] =
      `// Module ${i}: ${about}.\n${Array.from({ length: 15 }, (_, j) => `export const value${j} = ${i * j}; // 中文注释 ${j}`).join('\n')}\n`;
  }
  return files;
}

const BEST = 'packages/pkg0/src/area0/part0/module0.ts';

function excerptOf(summary: WorkspaceSummary, path: string): string | undefined {
  return summary.sections.find((s) => s.kind === 'excerpt' && s.path === path)?.body;
}

describe('WorkspaceSummariser: the planner’s view of the workspace', () => {
  let t: TempWorkspace | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  describe('goals in any language find their files', () => {
    beforeEach(async () => (t = await tempWorkspace(MULTILINGUAL)));

    const cases = [
      {
        language: 'French',
        goal: "Ajoute l'authentification JWT à l'API",
        file: 'src/auth/jwt.ts',
        line: /1\| \/\/ Vérifie le jeton JWT pour l'authentification de l'API\./,
      },
      {
        language: 'French without accents',
        goal: 'Creer une fenetre de dialogue',
        file: 'src/ui/fenetre.ts',
        line: /Créer la fenêtre principale/,
      },
      {
        language: 'Russian (another case ending: проверку ~ Проверка, почты ~ почты)',
        goal: 'Добавить проверку почты',
        file: 'src/mail/validate.ts',
        line: /1\| \/\/ Проверка адреса электронной почты/,
      },
      {
        language: 'Chinese (no spaces)',
        goal: '添加用户登录',
        file: 'src/user/login.ts',
        line: /1\| \/\/ 用户登录：检查用户名和密码。/,
      },
    ];
    for (const c of cases) {
      it(`${c.language}: ${c.goal}`, async () => {
        const summary = await summariseWorkspace(t!.workspace, c.goal);
        assert.equal(summary.ranked[0]?.path, c.file, summary.ranked.map((r) => r.path).join(', '));
        assert.match(excerptOf(summary, c.file) ?? '', c.line);
        assert.match(formatWorkspaceSummary(summary), new RegExp(`1\\. ${c.file.replace(/\./g, '\\.')}`));
      });
    }

    it('shows the README whole and the tree, and says so when no file matches the goal', async () => {
      const summary = await summariseWorkspace(t!.workspace, 'quantum chromodynamics');
      const text = formatWorkspaceSummary(summary);
      assert.match(text, /^File tree \(8 files; /);
      assert.match(text, /README\.md:\n# Boutique\n\nUne boutique en ligne\. Интернет-магазин\. 网上商店。/);
      assert.match(text, /\(no file mentions the words of the goal\)/);
      assert.equal(summary.ranked.length, 0);
    });
  });

  describe('bounded by tokens, not by files', function () {
    this.timeout(60_000);
    let large: TempWorkspace;
    let index: WorkspaceIndex;
    before(async () => {
      large = await tempWorkspace(largeWorkspace(3000));
      index = new WorkspaceIndex(large.workspace);
    });
    after(async () => large.cleanup());
    const summarise = (goal: string, options: WorkspaceSummaryOptions) =>
      new WorkspaceSummariser(large.workspace, options, index).summarise(goal);

    for (const budgetTokens of [300, 1500, 6000, 20_000]) {
      it(`stays within ${budgetTokens} tokens for 3,000 files, and still names the best file`, async () => {
        const summary = await summarise('Fix the invoice totals', { budgetTokens });
        const text = formatWorkspaceSummary(summary);
        assert.ok(estimateContextTokens(text) <= budgetTokens, `${estimateContextTokens(text)} > ${budgetTokens}`);
        assert.equal(summary.tokens, estimateContextTokens(text));
        assert.equal(summary.fileCount, 3002);
        assert.equal(summary.ranked[0]?.path, BEST);
        if (budgetTokens >= 1500) {
          assert.match(text, /1\. packages\/pkg0\/src\/area0\/part0\/module0\.ts/);
          assert.match(text, /\(\d+ files\)/, 'deep folders are collapsed');
          assert.match(text, /^ {10}module0\.ts$/m, 'the best file stays visible in the collapsed tree');
          assert.match(excerptOf(summary, BEST) ?? '', /invoice totals/);
          if (budgetTokens < 20_000)
            assert.match(
              text,
              /package\.json:\n\{\n {2}"name": "big"[\s\S]*more characters\)/,
              'a long manifest is cut',
            );
        }
      });
    }

    it('fills a larger budget with more of the ranked files', async () => {
      const small = await summarise('helper number', { budgetTokens: 3000, excerptFiles: 50 });
      const big = await summarise('helper number', { budgetTokens: 20_000, excerptFiles: 50 });
      const excerpts = (s: WorkspaceSummary) => s.sections.filter((x) => x.kind === 'excerpt').length;
      assert.ok(excerpts(big) > excerpts(small), `${excerpts(big)} vs ${excerpts(small)}`);
      assert.ok(big.tokens > small.tokens && big.tokens <= 20_000);
    });

    it('counts with the estimator it is given', async () => {
      const perCharacter = (text: string): number => text.length;
      const summary = await summarise('invoice', { budgetTokens: 2000, estimateTokens: perCharacter });
      assert.ok(formatWorkspaceSummary(summary).length <= 2000);
      assert.equal(summary.tokens, formatWorkspaceSummary(summary).length);
    });
  });

  it('keeps its index between summaries: the second reads only changed files and the ones it shows', async () => {
    const ws = (t = await tempWorkspace(MULTILINGUAL));
    const port = countingWorkspace(ws.workspace);
    const summariser = new WorkspaceSummariser(port);
    await summariser.summarise('添加用户登录');
    port.reset();
    await ws.put('src/order/pay.ts', '// 订单支付：调用新的支付网关。\nexport function pay() {}\n');
    const summary = await summariser.summarise('添加用户登录');
    const shown = new Set(summary.sections.flatMap((s) => (s.path === undefined ? [] : [s.path])));
    const unexpected = port.reads.filter((p) => !shown.has(p) && p !== 'src/order/pay.ts');
    assert.deepEqual(unexpected, [], 'no unchanged file was read except to show it');
    assert.ok(port.reads.includes('src/order/pay.ts'));
  });
});
