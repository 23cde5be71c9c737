// Serves the webview bundle from a loopback HTTP server in a page that looks like VS Code's
// webview to the bundle: the host's CSP, an `acquireVsCodeApi` shim that records posted
// messages, and the `--vscode-*` theme variables with the body class VS Code sets.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runPanelCsp } from '../../../src/host/panel/runPanelCsp';
import type { HostMessage, WebviewMessage } from '../../../src/protocol/messages';
import { chromiumPath } from '../../workbench/support/prerequisites';
import { THEMES, type ThemeName } from './themes';

const REPO_ROOT = resolve(__dirname, '../../..');

/** The bundle as esbuild makes it for dist/webview (minified, like a release), with the codicons the build copies. */
export interface WebviewBundle {
  js: string;
  css: string;
  codiconCss: Buffer;
  codiconFont: Buffer;
}

/** Bundles webview/main.ts in memory. */
export async function bundleWebview(): Promise<WebviewBundle> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'webview/main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    outdir: '/webview-bundle',
    logLevel: 'silent',
  });
  const text = (suffix: string): string => result.outputFiles.find((f) => f.path.endsWith(suffix))?.text ?? '';
  const codicons = join(REPO_ROOT, 'node_modules/@vscode/codicons/dist');
  return {
    js: text('main.js'),
    css: text('main.css'),
    codiconCss: readFileSync(join(codicons, 'codicon.css')),
    codiconFont: readFileSync(join(codicons, 'codicon.ttf')),
  };
}

/** Whether a Chromium is there to drive; the reason it is not otherwise. */
export function chromiumMissing(): string | undefined {
  const path = chromiumPath();
  return existsSync(path) ? undefined : `no Chromium at ${path} (set AO_CHROMIUM_PATH or apt-get install chromium)`;
}

/** A loopback server with the panel page and its bundle. */
export class WebviewServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(bundle: WebviewBundle): Promise<WebviewServer> {
    let origin = '';
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      const theme = (new URL(url, 'http://x').searchParams.get('theme') ?? 'dark') as ThemeName;
      if (url.startsWith('/main.js')) {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle.js);
      } else if (url.startsWith('/main.css')) {
        res.writeHead(200, { 'content-type': 'text/css' }).end(bundle.css);
      } else if (url.startsWith('/codicon.css')) {
        res.writeHead(200, { 'content-type': 'text/css' }).end(bundle.codiconCss);
      } else if (url.startsWith('/codicon.ttf')) {
        res.writeHead(200, { 'content-type': 'font/ttf' }).end(bundle.codiconFont);
      } else if (url === '/' || url.startsWith('/?')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(pageHtml(origin, THEMES[theme] ? theme : 'dark'));
      } else if (url === '/favicon.ico') {
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new WebviewServer(server, origin);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }
}

/** The page: the host's CSP (cspSource = this server), the shim, the theme. */
function pageHtml(origin: string, theme: ThemeName): string {
  const nonce = randomBytes(16).toString('base64');
  const { bodyClass, variables } = THEMES[theme];
  // VS Code sets the theme through the CSSOM from its own script; an inline style attribute would break the CSP.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta property="csp-nonce" content="${nonce}">
<meta http-equiv="Content-Security-Policy" content="${runPanelCsp(origin, nonce)}">
<link rel="stylesheet" href="${origin}/codicon.css">
<link rel="stylesheet" href="${origin}/main.css">
<script nonce="${nonce}">
for (const [name, value] of Object.entries(${JSON.stringify(variables)})) document.documentElement.style.setProperty(name, value);
window.__posted = [];
document.addEventListener('securitypolicyviolation', (e) => console.error('CSP ' + e.violatedDirective + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' sample=' + e.sample + ' ' + (e.target && e.target.nodeName)));
window.__state = undefined;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
</script>
</head>
<body class="${bodyClass}">
<div id="root"></div>
<script type="module" nonce="${nonce}" src="${origin}/main.js"></script>
</body>
</html>`;
}

/** A browser for a suite. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

/** One page of the panel, driven with protocol messages. */
export class PanelPage {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, server: WebviewServer, theme: ThemeName = 'dark'): Promise<PanelPage> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const panel = new PanelPage(page);
    page.on('pageerror', (err) => panel.errors.push(String(err)));
    page.on('console', (m) => {
      if (m.type() === 'error') panel.errors.push(m.text());
    });
    await page.goto(`${server.origin}/?theme=${theme}`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    return panel;
  }

  /** Page errors and console errors (a CSP violation shows up here). */
  readonly errors: string[] = [];

  /** Sends a host message as VS Code does: a `message` event on the window. */
  async send(message: HostMessage): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  /** What the page posted to the host so far. */
  posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted);
  }
}
