import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { Artifacts } from './artifacts';
import { CodeServer, type CodeServerOptions } from './codeServer';
import { leaseBrowser, type BrowserLease } from './sharedBrowser';
import type { SettingValue } from './userSettings';
import { timePhase } from './suiteTimings';
import { Workbench } from './workbench';

/** The parts of a fake model server the workbench needs to point the extension at it. */
export interface ModelEndpoint {
  /** The OpenAI SDK's base URL, e.g. `http://127.0.0.1:1234/v1`. */
  openAiBaseUrl: string;
  /** The key the server requires. */
  apiKey: string;
}

/** What one workbench test needs. */
export interface WorkbenchSessionOptions extends Pick<
  CodeServerOptions,
  'env' | 'workspaceTrust' | 'logLevel' | 'extraExtensions'
> {
  /** The test's title; names its artefact folder under `.test-artifacts/workbench/`. */
  title: string;
  /** Files of the fresh workspace folder, by relative path; default a README and a package.json. */
  files?: Record<string, string>;
  /** User settings on top of the quiet defaults. */
  settings?: Record<string, SettingValue>;
  /** Points the extension at this server: provider `openai`, its base URL, and its key in `OPENAI_API_KEY`. */
  modelServer?: ModelEndpoint;
  /** The browser window size; default 1440×900. */
  viewport?: { width: number; height: number };
  /** Runs on the workspace folder once its files are written and before code-server starts (e.g. `initGitRepo`). */
  prepareWorkspace?: (workspace: string) => void;
}

/** Files of the default test workspace. */
const DEFAULT_FILES: Record<string, string> = {
  'README.md': '# Workbench test workspace\n',
  'package.json': `${JSON.stringify({ name: 'workbench-test-workspace', version: '1.0.0', private: true }, null, 2)}\n`,
};

/**
 * One test's real VS Code: a code-server with our built extension, a headless Chromium page on its
 * workbench in a browser context of its own, the artefact folder, and a clean shutdown that keeps
 * the logs when the test failed.
 */
export class WorkbenchSession {
  private readonly consoleLines: string[] = [];
  private closed = false;

  private constructor(
    /** The throw-away folder holding the workspace, user data, extensions and logs. */
    readonly root: string,
    /** The code-server process. */
    readonly server: CodeServer,
    private readonly context: BrowserContext,
    private readonly lease: BrowserLease,
    /** The page helpers. */
    readonly workbench: Workbench,
    /** Screenshots and kept logs. */
    readonly artifacts: Artifacts,
  ) {}

  /** Creates the workspace, starts code-server and Chromium and opens the workbench on the workspace. */
  static async start(options: WorkbenchSessionOptions): Promise<WorkbenchSession> {
    const artifacts = new Artifacts(options.title);
    // Short path: code-server puts an IPC socket under the user data dir (108-byte limit).
    const root = mkdtempSync(join(tmpdir(), 'ao-wb-'));
    const workspace = join(root, 'workspace');
    for (const [path, content] of Object.entries(options.files ?? DEFAULT_FILES)) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true });
      writeFileSync(join(workspace, path), content);
    }
    mkdirSync(workspace, { recursive: true });
    try {
      options.prepareWorkspace?.(workspace);
    } catch (error) {
      rmSync(root, { recursive: true, force: true });
      throw error;
    }

    const model = options.modelServer;
    const settings: Record<string, SettingValue> = {
      ...(model ? { 'agentOrchestrator.provider': 'openai', 'agentOrchestrator.baseUrl': model.openAiBaseUrl } : {}),
      ...options.settings,
    };
    const env = { ...(model ? { OPENAI_API_KEY: model.apiKey } : {}), ...options.env };

    // Chromium starts (or the shared one is reused) while code-server starts.
    const leasing = leaseBrowser();
    leasing.catch(() => undefined);
    let server: CodeServer | undefined;
    let lease: BrowserLease | undefined;
    let context: BrowserContext | undefined;
    try {
      server = await timePhase('code-server start', () =>
        CodeServer.start({
          workspace,
          root,
          settings,
          env,
          workspaceTrust: options.workspaceTrust,
          logLevel: options.logLevel,
          extraExtensions: options.extraExtensions,
        }),
      );
      lease = await timePhase('chromium launch', () => leasing);
      context = await lease.browser.newContext({
        viewport: options.viewport ?? { width: 1440, height: 900 },
        // code-server compresses each response on the fly (brotli): 15 MB of workbench scripts per
        // window load. Uncompressed over loopback, the same bytes load seconds sooner on a busy machine.
        extraHTTPHeaders: { 'Accept-Encoding': 'identity' },
      });
      const page = await context.newPage();
      const session = new WorkbenchSession(root, server, context, lease, new Workbench(page, artifacts), artifacts);
      page.on('console', (message) => session.consoleLines.push(`[${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => session.consoleLines.push(`[pageerror] ${error.message}`));
      const url = server.workbenchUrl();
      await timePhase('workbench load', () => session.workbench.open(url));
      return session;
    } catch (error) {
      if (server) artifacts.keep(server.logFile);
      if (server) artifacts.keep(server.logsDir(), 'vscode-logs');
      await context?.close().catch(() => undefined);
      await (lease ?? (await leasing.catch(() => undefined)))?.release();
      await server?.stop();
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** The workspace folder the workbench has open. */
  get workspace(): string {
    return this.server.workspace;
  }

  /** Our extension's globalStorage folder: `<ud>/User/globalStorage/<publisher>.<name>/`. */
  globalStorageDir(): string {
    return this.server.globalStorageDir();
  }

  /**
   * Closes the browser context (and Chromium, unless it is shared) and code-server. When `failed`, first saves a last screenshot, the browser
   * console, code-server's output and VS Code's logs (server, extension host) into the artefacts.
   */
  async close(failed: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (failed) {
        await this.workbench.screenshot('failure').catch(() => undefined);
        mkdirSync(join(this.artifacts.dir, 'logs'), { recursive: true });
        writeFileSync(join(this.artifacts.dir, 'logs', 'browser-console.log'), `${this.consoleLines.join('\n')}\n`);
      }
    } finally {
      await timePhase('chromium close', async () => {
        await this.context.close().catch(() => undefined);
        await this.lease.release();
      });
      await timePhase('code-server stop', () => this.server.stop());
      if (failed) {
        this.artifacts.keep(this.server.logFile);
        this.artifacts.keep(this.server.logsDir(), 'vscode-logs');
        process.stderr.write(`    workbench artefacts (screenshots, logs): ${this.artifacts.describe()}\n`);
      }
      if (process.env.AO_KEEP_WORKBENCH !== '1') rmSync(this.root, { recursive: true, force: true });
    }
  }
}
