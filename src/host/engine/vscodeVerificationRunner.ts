import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { abortReason } from '../../core/common/clock';
import { DisposableStore } from '../../core/common/disposable';
import { blankedEnvironment } from '../../core/verify/childEnvironment';
import { inferCategory } from '../../core/verify/detectParser';
import type {
  VerificationRunOptions,
  VerificationRunResult,
  VerificationRunner,
  VerificationStep,
} from '../../core/verify/verificationStep';
import { captureCommand, readCapturedOutput, readCapturedStatus } from '../../core/verify/captureWrapper';
import { diagnosticFindings, snapshotDiagnostics } from './diagnosticFindings';

/** Tuning of a {@link VscodeVerificationRunner}. */
export interface VscodeVerificationRunnerOptions {
  /** Timeout of steps that set none. Default 10 minutes. */
  defaultTimeoutMs?: number;
  /** Most bytes of captured output kept (the tail). Default 1 MiB. */
  maxOutputBytes?: number;
  /** Wait after a task ends for problem matchers and language servers to publish. Default 500 ms. */
  settleMs?: number;
  /** Names of the environment the user allow-lists for commands (see `childEnvironment.ts`). */
  passEnv?: readonly string[];
  /** Variables always withheld unless passed by exact name, e.g. the provider key variables. */
  secretEnvNames?: readonly string[];
}

/** Exit code reported after a timeout, as `timeout(1)` does. */
const TIMEOUT_EXIT_CODE = 124;

/**
 * Runs verification steps as VS Code tasks. A `task` step runs the task of that label from
 * `tasks.json` (or a detected one, e.g. `npm: test`); a `command` step runs a task named
 * "Agent Orchestrator: <name>" in the workspace folder. The exit code comes from
 * `onDidEndTaskProcess`. On POSIX a command runs through the capture wrapper (see
 * `captureWrapper.ts`) so its output reaches the parsers; a `tasks.json` task's output cannot be
 * read, so it is judged by exit code and problems. Errors and warnings that appear in the
 * workspace's diagnostics while the task runs become `problems`. Abort or timeout terminates the
 * task. Runs of the same labelled task are queued, as VS Code runs one instance of a task at a time.
 */
export class VscodeVerificationRunner implements VerificationRunner {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly folder: vscode.WorkspaceFolder,
    private readonly options: VscodeVerificationRunnerOptions = {},
  ) {}

  run(step: VerificationStep, { signal, cwd }: VerificationRunOptions): Promise<VerificationRunResult> {
    if (step.task === undefined) return this.runOnce(step, signal, cwd);
    const key = step.task;
    const next = (this.queues.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.runOnce(step, signal, cwd));
    this.queues.set(key, next);
    void next.finally(() => this.queues.get(key) === next && this.queues.delete(key)).catch(() => undefined);
    return next;
  }

  private async runOnce(step: VerificationStep, signal: AbortSignal, cwd: string): Promise<VerificationRunResult> {
    if (signal.aborted) throw abortReason(signal);
    const capture =
      step.command !== undefined && process.platform !== 'win32'
        ? await mkdtemp(path.join(tmpdir(), 'agent-orchestrator-verify-'))
        : undefined;
    try {
      const files =
        capture === undefined
          ? undefined
          : { output: path.join(capture, 'output.log'), status: path.join(capture, 'status') };
      const task =
        step.task !== undefined
          ? await this.labelledTask(step.task)
          : this.commandTask(step, step.command ?? '', cwd, files);
      return await this.execute(task, step, signal, files);
    } finally {
      if (capture !== undefined) await rm(capture, { recursive: true, force: true });
    }
  }

  /** The task of this folder (or the workspace) whose label is `label`; a clear error lists the labels there are. */
  private async labelledTask(label: string): Promise<vscode.Task> {
    const tasks = (await vscode.tasks.fetchTasks()).filter(
      (t) => typeof t.scope !== 'object' || t.scope.uri.toString() === this.folder.uri.toString(),
    );
    const found = tasks.find((t) => t.name === label) ?? tasks.find((t) => `${t.source}: ${t.name}` === label);
    if (found) return this.withScrubbedEnvironment(found);
    const labels = [
      ...new Set(tasks.map((t) => (t.source === 'Workspace' ? t.name : `${t.source}: ${t.name}`))),
    ].sort();
    throw new Error(
      `There is no task labelled "${label}" in ${this.folder.name}. ` +
        (labels.length > 0
          ? `Available tasks: ${labels
              .slice(0, 30)
              .map((l) => `"${l}"`)
              .join(', ')}${labels.length > 30 ? ', …' : ''}. `
          : 'No tasks are defined or detected. ') +
        'Fix agentOrchestrator.verification.tasks or add the task to .vscode/tasks.json.',
    );
  }

  /**
   * The task with the withheld variables blanked in its process's environment, as a command step
   * gets (checklist 28): a labelled task runs workspace scripts an agent may have edited, so it must
   * not inherit a key either. Variables the task's own definition sets stay as written (`tasks.json`
   * is a protected path, so those are the user's). A `CustomExecution` runs inside the extension that
   * provides it, not as a child process, and is left as it is.
   */
  private withScrubbedEnvironment(task: vscode.Task): vscode.Task {
    const execution = task.execution;
    if (!(execution instanceof vscode.ShellExecution) && !(execution instanceof vscode.ProcessExecution)) return task;
    const options = execution.options ?? {};
    const env = { ...this.blankedEnv(), ...options.env };
    execution.options = { ...options, env };
    // Setting the execution makes VS Code run this definition as given rather than the stored task.
    task.execution = execution;
    return task;
  }

  /** The extension host's environment with every withheld name set to '' (VS Code merges a task's env over its own). */
  private blankedEnv(): Record<string, string> {
    return blankedEnvironment(process.env, {
      ...(this.options.passEnv === undefined ? {} : { pass: this.options.passEnv }),
      ...(this.options.secretEnvNames === undefined ? {} : { secretNames: this.options.secretEnvNames }),
    });
  }

  private commandTask(
    step: VerificationStep,
    command: string,
    cwd: string,
    files: { output: string; status: string } | undefined,
  ): vscode.Task {
    let execution: vscode.ShellExecution | vscode.ProcessExecution;
    const env = this.blankedEnv();
    if (files === undefined) {
      execution = new vscode.ShellExecution(command, { cwd, env });
    } else {
      const wrapped = captureCommand(command, files.output, files.status);
      execution = new vscode.ProcessExecution(wrapped.process, wrapped.args, { cwd, env });
    }
    // A fresh id in the definition makes each run its own task: VS Code would otherwise refuse a second concurrent run.
    const task = new vscode.Task(
      { type: 'agentOrchestrator', step: step.name, run: randomUUID() },
      this.folder,
      `Agent Orchestrator: ${step.name}`,
      'Agent Orchestrator',
      execution,
      [],
    );
    task.presentationOptions = {
      reveal: vscode.TaskRevealKind.Silent,
      panel: vscode.TaskPanelKind.Dedicated,
      focus: false,
      clear: true,
      echo: true,
      showReuseMessage: false,
    };
    return task;
  }

  private async execute(
    task: vscode.Task,
    step: VerificationStep,
    signal: AbortSignal,
    files: { output: string; status: string } | undefined,
  ): Promise<VerificationRunResult> {
    const subscriptions = new DisposableStore();
    const before = snapshotDiagnostics(vscode.languages.getDiagnostics().map(([uri, d]) => [uri.fsPath, d] as const));
    const changed = new Set<string>();
    subscriptions.add(
      vscode.languages.onDidChangeDiagnostics((e) =>
        e.uris.forEach((u) => u.scheme === 'file' && changed.add(u.fsPath)),
      ),
    );
    const started = Date.now();
    try {
      let execution: vscode.TaskExecution | undefined;
      const ends: Array<{ execution: vscode.TaskExecution; exitCode: number | undefined; process: boolean }> = [];
      let settle: ((end: { exitCode: number | undefined } | 'timeout' | 'abort') => void) | undefined;
      const outcome = new Promise<{ exitCode: number | undefined } | 'timeout' | 'abort'>(
        (resolve) => (settle = resolve),
      );
      // End events may arrive before executeTask resolves for a quick task, so they are kept and matched later.
      const check = (): void => {
        const end =
          execution &&
          (ends.find((e) => e.execution === execution && e.process) ?? ends.find((e) => e.execution === execution));
        if (end) settle?.({ exitCode: end.exitCode });
      };
      subscriptions.add(
        vscode.tasks.onDidEndTaskProcess((e) => {
          ends.push({ execution: e.execution, exitCode: e.exitCode, process: true });
          check();
        }),
      );
      subscriptions.add(
        vscode.tasks.onDidEndTask((e) => {
          ends.push({ execution: e.execution, exitCode: undefined, process: false });
          check();
        }),
      );
      const timeoutMs = step.timeoutMs ?? this.options.defaultTimeoutMs ?? 10 * 60 * 1000;
      const timer = setTimeout(() => settle?.('timeout'), timeoutMs);
      const onAbort = (): void => settle?.('abort');
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        execution = await vscode.tasks.executeTask(task);
        check();
        const end = await outcome;
        if (end === 'abort' || end === 'timeout') {
          execution.terminate();
          if (end === 'abort') throw abortReason(signal);
        }
        const timedOut = end === 'timeout';
        const recorded = files === undefined ? undefined : await readCapturedStatus(files.status);
        const exitCode = timedOut
          ? TIMEOUT_EXIT_CODE
          : ((typeof end === 'object' ? end.exitCode : undefined) ?? recorded ?? 1);
        await new Promise((resolve) => setTimeout(resolve, this.options.settleMs ?? 500));
        const output =
          files !== undefined
            ? await readCapturedOutput(files.output, this.options.maxOutputBytes ?? 1024 * 1024)
            : `Task "${task.name}" ended with exit code ${exitCode}. VS Code does not give extensions a task's terminal output; see its terminal for details.`;
        const category = step.category ?? inferCategory(step.command ?? step.task ?? step.name);
        const problems = diagnosticFindings(
          before,
          changed,
          (file) => vscode.languages.getDiagnostics(vscode.Uri.file(file)),
          this.folder.uri.fsPath,
          category,
        );
        return { exitCode, output, durationMs: Date.now() - started, ...(timedOut ? { timedOut } : {}), problems };
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
    } finally {
      subscriptions.dispose();
    }
  }
}
