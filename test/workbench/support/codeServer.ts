import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { findFiles } from './artifacts';
import { codeServerEntry } from './prerequisites';
import { extensionId, installExtension, installExtraExtension } from './testExtension';
import { writeUserSettings, type SettingValue } from './userSettings';

/** How to start one code-server for one test. */
export interface CodeServerOptions {
  /** The folder the workbench opens. */
  workspace: string;
  /** A throw-away folder for the extensions dir, user data dir, config and logs. */
  root: string;
  /** User settings on top of the quiet defaults (e.g. `agentOrchestrator.baseUrl`). */
  settings?: Record<string, SettingValue>;
  /** Extra environment of the server and therefore of the extension host (e.g. `OPENAI_API_KEY` of a fake model server). */
  env?: Record<string, string>;
  /** `false` (default) starts with `--disable-workspace-trust`, so every folder is trusted; `true` keeps Workspace Trust on and the folder untrusted. */
  workspaceTrust?: boolean;
  /** VS Code's log level for the server and extension host logs; default `info`. */
  logLevel?: 'trace' | 'debug' | 'info';
  /** How long to wait for the server to answer; default 60 s. */
  startTimeoutMs?: number;
  /**
   * Folders of further extensions (package.json and plain JS, no build) installed next to ours, each
   * with `--enable-proposed-api` so it may use the proposals its manifest lists (e.g. `chatProvider`).
   */
  extraExtensions?: string[];
}

/** Servers still running, with their throw-away folders: killed and removed if the test process exits or is interrupted first. */
const running = new Map<ChildProcess, string>();
const killAll = (): void => {
  for (const [child, root] of running) {
    killGroup(child, 'SIGKILL');
    if (process.env.AO_KEEP_WORKBENCH !== '1') rmSync(root, { recursive: true, force: true });
  }
  running.clear();
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  // Kill the servers, then let the signal end the process as it would have.
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

/** A code-server process serving VS Code's web workbench on 127.0.0.1, with our built extension installed. */
export class CodeServer {
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: WriteStream,
    /** `http://127.0.0.1:<port>`, no trailing slash. */
    readonly url: string,
    /** The folder the workbench opens. */
    readonly workspace: string,
    /** `--user-data-dir`: settings, logs, globalStorage. */
    readonly userDataDir: string,
    /** `--extensions-dir`, holding our extension and the `extraExtensions`. */
    readonly extensionsDir: string,
    /** code-server's own stdout and stderr. */
    readonly logFile: string,
  ) {}

  /** Installs the extension, writes the settings, starts code-server and waits until it answers HTTP. */
  static async start(options: CodeServerOptions): Promise<CodeServer> {
    const userDataDir = join(options.root, 'user-data');
    const extensionsDir = join(options.root, 'extensions');
    const logFile = join(options.root, 'code-server.log');
    mkdirSync(extensionsDir, { recursive: true });
    installExtension(extensionsDir);
    const extraIds = (options.extraExtensions ?? []).map((folder) => installExtraExtension(extensionsDir, folder));
    writeUserSettings(userDataDir, options.settings ?? {});
    const config = join(options.root, 'config.yaml');
    writeFileSync(config, 'auth: none\ncert: false\n');

    const args = [
      codeServerEntry(),
      '--auth',
      'none',
      '--bind-addr',
      '127.0.0.1:0',
      '--config',
      config,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--disable-proxy',
      '--ignore-last-opened',
      '--log',
      options.logLevel ?? 'info',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      ...extraIds.flatMap((id) => ['--enable-proposed-api', id]),
      options.workspace,
    ];
    const log = createWriteStream(logFile);
    // A process group of its own, so stop() also ends the server's children (extension host, pty host, watcher).
    const child = spawn(process.execPath, args, {
      cwd: options.root,
      env: serverEnv(options),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.set(child, options.root);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });

    try {
      const url = await waitForListening(child, options.startTimeoutMs ?? 60_000);
      await waitForHealthy(url, 30_000);
      return new CodeServer(child, log, url, options.workspace, userDataDir, extensionsDir, logFile);
    } catch (error) {
      await stopChild(child);
      log.end();
      const tail = safeRead(logFile).split('\n').slice(-30).join('\n');
      throw new Error(`code-server did not start: ${(error as Error).message}\n--- ${logFile} (tail) ---\n${tail}`, {
        cause: error,
      });
    }
  }

  /** The workbench URL that opens `folder` (default: the workspace). */
  workbenchUrl(folder = this.workspace): string {
    return `${this.url}/?folder=${encodeURIComponent(folder)}`;
  }

  /** An extension's `globalStorageUri` on disk, `<ud>/User/globalStorage/<publisher>.<name>/`; default ours. */
  globalStorageDir(id = extensionId()): string {
    return join(this.userDataDir, 'User', 'globalStorage', id);
  }

  /** The extension host logs (`<ud>/logs/<session>/exthost<n>/remoteexthost.log`), oldest session first. */
  extensionHostLogs(): string[] {
    return findFiles(join(this.userDataDir, 'logs'), (name) => /exthost\.log$/i.test(name)).sort();
  }

  /** The remote agent / server logs VS Code writes under the user data dir. */
  logsDir(): string {
    return join(this.userDataDir, 'logs');
  }

  /** Ends the server and its children: SIGTERM to the group, SIGKILL after 5 s. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await stopChild(this.child);
    await new Promise<void>((done) => this.log.end(done));
  }
}

/** The server's environment: ours without anything that would reach a real model or another VS Code, plus `options.env`. */
function serverEnv(options: CodeServerOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // VSCODE_IPC_HOOK_CLI would make code-server open the folder in the VS Code we run inside;
    // real API keys must never reach a test.
    if (/^(VSCODE_|ELECTRON_)/.test(key) || /^(OPENAI|ANTHROPIC)_/.test(key) || key === 'AGENT_ORCHESTRATOR_HOME')
      continue;
    env[key] = value;
  }
  const xdg = join(options.root, 'xdg');
  return {
    ...env,
    // code-server's own data and the CLI's default state dir stay inside the test folder.
    XDG_DATA_HOME: join(xdg, 'data'),
    XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_STATE_HOME: join(xdg, 'state'),
    XDG_CACHE_HOME: join(xdg, 'cache'),
    ...options.env,
  };
}

/** Resolves with the URL code-server logs once it listens (it picks a free port from `:0`). */
function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => finish(new Error(`no "HTTP server listening" line within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      seen = (seen + chunk.toString()).slice(-4096);
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (match?.[1]) finish(undefined, match[1]);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      finish(new Error(`code-server exited early (code ${code}, signal ${signal})`));
    const finish = (error?: Error, url?: string): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (error || !url) reject(error ?? new Error('no URL'));
      else resolve(url);
    };
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
  });
}

/** Polls code-server's `/healthz` until it answers 200. */
async function waitForHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const status = await new Promise<number | string>((done) => {
      const request = get(`${url}/healthz`, (response) => {
        response.resume();
        done(response.statusCode ?? 0);
      });
      request.on('error', (error) => done(error.message));
      request.setTimeout(2000, () => request.destroy(new Error('timeout')));
    });
    if (status === 200) return;
    last = String(status);
    await delay(200);
  }
  throw new Error(`${url}/healthz did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}

/** Sends `signal` to the child's whole process group; ignores a group that is already gone. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the group, SIGKILL after 5 s, then waits for the exit. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    killGroup(child, 'SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), delay(5000).then(() => true)]);
    if (timedOut) {
      killGroup(child, 'SIGKILL');
      await exited;
    }
  }
  // Children that outlived the main process (extension host, watchers) go with the group.
  killGroup(child, 'SIGKILL');
  running.delete(child);
}

/** A file's text, or an empty string when it cannot be read. */
function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
