import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runVerification } from '../../../src/core/verify/verificationStep';
import { DEFAULT_THRESHOLDS } from '../../../src/core/verify/verificationThresholds';
import { captureCommand, readCapturedOutput, readCapturedStatus } from '../../../src/core/verify/captureWrapper';
import {
  diagnosticFindings,
  MAX_DIAGNOSTIC_FINDINGS,
  snapshotDiagnostics,
  type DiagnosticLike,
} from '../../../src/host/engine/diagnosticFindings';
import { configuredSteps } from '../../../src/core/verify/configuredSteps';

const diag = (severity: number, line: number, message: string, source?: string): DiagnosticLike => ({
  severity,
  message,
  range: { start: { line, character: 4 } },
  ...(source ? { source } : {}),
});

describe('host verification helpers', () => {
  describe('configuredSteps', () => {
    it('turns task labels and commands into named steps, keeping names unique', () => {
      const steps = configuredSteps({ tasks: ['npm: test', 'npm test'], commands: ['npm test', 'npm run lint'] });
      assert.deepEqual(
        steps.map((s) => [s.name, s.task ?? s.command]),
        [
          ['npm: test', 'npm: test'],
          ['npm test', 'npm test'],
          ['npm test (2)', 'npm test'],
          ['npm run lint', 'npm run lint'],
        ],
      );
      assert.equal(steps[2]!.task, undefined);
    });
  });

  (process.platform === 'win32' ? describe.skip : describe)(
    'capture wrapper (what the task terminal runs on POSIX)',
    () => {
      let dir: string;
      beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), 'ao-capture-'));
      });
      afterEach(() => rm(dir, { recursive: true, force: true }));

      const runWrapped = async (
        command: string,
      ): Promise<{ code: number | null; shown: string; output: string; status: number | undefined }> => {
        const out = join(dir, 'output.log');
        const status = join(dir, 'status');
        const { process: file, args } = captureCommand(command, out, status);
        const child = spawn(file, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
        let shown = '';
        child.stdout.on('data', (d: Buffer) => (shown += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        return {
          code,
          shown,
          output: await readCapturedOutput(out, 1024 * 1024),
          status: await readCapturedStatus(status),
        };
      };

      it("keeps the command's exit code and captures stdout and stderr while still showing them", async () => {
        const r = await runWrapped('echo out; echo err >&2; exit 3');
        assert.equal(r.code, 3);
        assert.equal(r.status, 3);
        assert.equal(r.output, 'out\nerr\n');
        assert.equal(r.shown, 'out\nerr\n');
      });

      it("passes the command through untouched: quotes, $, pipes and semicolons are the command's own", async () => {
        await writeFile(join(dir, 'a b.txt'), 'x');
        const r = await runWrapped(
          `printf '%s|' "$HOME" >/dev/null; ls 'a b.txt' | cat; echo "it's \\"quoted\\""; true`,
        );
        assert.equal(r.code, 0);
        assert.equal(r.output, 'a b.txt\nit\'s "quoted"\n');
      });

      it('keeps only the tail of a long output, and reports an unknown status as undefined', async () => {
        const r = await runWrapped('seq 1 20000');
        assert.equal(r.code, 0);
        const tail = await readCapturedOutput(join(dir, 'output.log'), 12);
        assert.equal(tail, '19999\n20000\n');
        assert.equal(await readCapturedStatus(join(dir, 'missing')), undefined);
        assert.equal(await readCapturedOutput(join(dir, 'missing'), 10), '');
      });
    },
  );

  describe('diagnosticFindings', () => {
    const root = join(tmpdir(), 'ws');
    const a = join(root, 'src', 'a.ts');
    const b = join(root, 'src', 'b.ts');

    it('reports errors and warnings that appeared during the task, in changed files inside the workspace', () => {
      const before = snapshotDiagnostics([[a, [diag(0, 1, 'old error')]]]);
      const now: Record<string, DiagnosticLike[]> = {
        [a]: [
          diag(0, 1, 'old error'),
          diag(0, 9, "Cannot find name 'x'.", 'ts'),
          diag(2, 3, 'info'),
          diag(3, 4, 'hint'),
        ],
        [b]: [diag(1, 0, 'Unused variable', 'eslint')],
        [join(tmpdir(), 'elsewhere.ts')]: [diag(0, 0, 'outside')],
      };
      const findings = diagnosticFindings(
        before,
        [b, a, join(tmpdir(), 'elsewhere.ts'), a],
        (f) => now[f] ?? [],
        root,
        'build',
      );
      assert.deepEqual(findings, [
        { severity: 'major', category: 'build', message: "ts: Cannot find name 'x'.", location: 'src/a.ts:10:5' },
        { severity: 'medium', category: 'build', message: 'eslint: Unused variable', location: 'src/b.ts:1:5' },
      ]);
    });

    it('is bounded', () => {
      const many = Array.from({ length: MAX_DIAGNOSTIC_FINDINGS + 50 }, (_, i) => diag(0, i, `e${i}`));
      assert.equal(diagnosticFindings(new Map(), [a], () => many, root, 'build').length, MAX_DIAGNOSTIC_FINDINGS);
    });

    it('feed the verification verdict: a new error fails the step even with exit code 0', async () => {
      const problems = diagnosticFindings(new Map(), [a], () => [diag(0, 0, 'broken')], root, 'build');
      const outcome = await runVerification(
        { name: 'npm: build', task: 'npm: build' },
        { run: async () => ({ exitCode: 0, output: '', durationMs: 1, problems }) },
        DEFAULT_THRESHOLDS,
        { cwd: root },
      );
      assert.equal(outcome.verdict, 'fail');
      assert.equal(outcome.findings[0]?.location, 'src/a.ts:1:5');
    });
  });
});
