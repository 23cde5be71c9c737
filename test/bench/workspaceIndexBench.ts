/**
 * Measures the planner's workspace index on generated files through the CLI's workspace port:
 * the first build, a refresh with nothing changed, a refresh after 1 % of the files changed, a
 * query, and a whole summary. Prints numbers; asserts nothing.
 * Wall times on a busy machine vary; the CPU time beside them varies less.
 * Run: npm run bench:index [-- <files> <lines per file>]   or   npm run bench:index -- --dir <folder>
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NodeWorkspace } from '../../src/cli/nodeWorkspace';
import { WorkspaceIndex } from '../../src/core/plan/workspaceIndex';
import { WorkspaceSummariser } from '../../src/core/plan/workspaceSummary';
import { seededRandom } from '../support/fakeModelServer/seededRandom';

const random = seededRandom(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
/** Common names are used far more often than rare ones, as in real code. */
const pickSkewed = <T>(items: readonly T[]): T => items[Math.floor(random() ** 3 * items.length)]!;
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tor', 'va', 'zu', 'pex', 'qui', 'sol', 'dan', 'fir', 'gom', 'hal'];
const WORDS = Array.from({ length: 3000 }, () =>
  Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(SYLLABLES)).join(''),
);
const capital = (w: string): string => `${w[0]!.toUpperCase()}${w.slice(1)}`;
/** camelCase identifiers of one to three words, shared across files. */
const IDENTIFIERS = Array.from({ length: 40_000 }, () =>
  Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) =>
    i === 0 ? pickSkewed(WORDS) : capital(pickSkewed(WORDS)),
  ).join(''),
);
const COMMENTS = [
  '// 用户登录与会话管理',
  '// Проверка входных данных',
  "// Gestion de l'authentification",
  '// helper',
];

function sourceFile(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(
      i % 10 === 0
        ? pick(COMMENTS)
        : `  const ${pickSkewed(IDENTIFIERS)} = ${pickSkewed(IDENTIFIERS)}(${pickSkewed(IDENTIFIERS)}, ${i}); // ${pickSkewed(WORDS)} ${pickSkewed(WORDS)}`,
    );
  }
  return `${out.join('\n')}\n`;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
let cpuAtStart = process.cpuUsage();
let wallAtStart = 0;
/** Starts a measurement. */
function start(): void {
  cpuAtStart = process.cpuUsage();
  wallAtStart = performance.now();
}
/** Wall and CPU time since `start()`. */
function took(): string {
  const cpu = process.cpuUsage(cpuAtStart);
  return `${(performance.now() - wallAtStart).toFixed(0)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)`;
}
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** Writes `files` generated source files under a temporary folder; returns the folder, the paths and their size. */
async function generate(
  files: number,
  lines: number,
): Promise<{ dir: string; root: string; paths: string[]; bytes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'ao-index-bench-'));
  const root = join(dir, 'ws');
  const paths = Array.from({ length: files }, (_, i) => `src/pkg${i % 25}/area${i % 9}/module${i}.ts`);
  let bytes = 0;
  for (let i = 0; i < paths.length; i += 64) {
    await Promise.all(
      paths.slice(i, i + 64).map(async (p) => {
        const text = sourceFile(lines);
        bytes += Buffer.byteLength(text);
        await mkdir(dirname(join(root, p)), { recursive: true });
        await writeFile(join(root, p), text);
      }),
    );
  }
  await writeFile(join(root, 'README.md'), '# Bench workspace\n');
  return { dir, root, paths, bytes };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const given = args[0] === '--dir' ? args[1] : undefined;
  const [files = 5000, lines = 60] = given === undefined ? args.map(Number) : [];
  const generated = given === undefined ? await generate(files, lines) : undefined;
  const root = given ?? generated!.root;
  console.log(
    `Workspace index: ${generated ? `${files} generated files × ${lines} lines (${mib(generated.bytes)})` : root}; node ${process.version}${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for exact heap numbers)'}`,
  );

  const workspace = new NodeWorkspace(root);
  const heapBefore = heapUsed();
  const index = new WorkspaceIndex(workspace);
  start();
  const built = await index.refresh();
  console.log(
    `first build        : ${took()}; ${built.read} files read, ${built.indexed} indexed, ${built.skipped} skipped`,
  );
  console.log(`index heap         : ${mib(heapUsed() - heapBefore)} (heap used ${mib(heapUsed())})`);

  start();
  const same = await index.refresh();
  console.log(`refresh, no change : ${took()}; ${same.read} read, ${same.unchanged} unchanged`);

  if (generated) {
    for (const p of generated.paths.filter((_, i) => i % 100 === 0))
      await writeFile(join(root, p), sourceFile(lines + 1));
    start();
    const partial = await index.refresh();
    console.log(`refresh, 1% changed: ${took()}; ${partial.read} read, ${partial.unchanged} unchanged`);
  }

  const query = generated
    ? `${pick(WORDS)} ${pick(WORDS)} 添加用户登录 проверку`
    : 'add a retry with backoff to the request handler';
  start();
  for (let i = 0; i < 20; i++) index.rank(query, 20);
  console.log(`query ×20          : ${took()}; top ${index.rank(query, 1)[0]?.path ?? '(none)'}`);

  const summariser = new WorkspaceSummariser(workspace, {}, index);
  start();
  const summary = await summariser.summarise(query);
  console.log(
    `summary            : ${took()}; ${summary.tokens} of ${summary.budgetTokens} tokens, ${summary.sections.length} sections`,
  );
  if (generated) await rm(generated.dir, { recursive: true, force: true });
}

void main();
