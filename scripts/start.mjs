// `npm start`: builds the extension and opens it in a real VS Code on a small demo workspace whose
// settings select the offline demo model, so a run can be watched without an API key.
//   - desktop VS Code (`code --extensionDevelopmentPath`) when `code` is on PATH;
//   - otherwise code-server on 127.0.0.1, installed first with scripts/installCodeServer.sh if
//     needed; it prints the URL to open and keeps running until Ctrl+C.
// Usage: npm start [-- --code-server] [--fresh] [--port N]
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CODE_SERVER_VERSION = '4.99.4';
const CACHE = join(REPO, '.cache');
const DEMO_WORKSPACE = join(CACHE, 'demo-workspace');
const CODE_SERVER_STATE = join(CACHE, 'start');

const HELP = `npm start [-- options]: build the extension and open it in VS Code on a demo workspace.

  --code-server   use code-server in the browser even when \`code\` is on PATH
  --fresh         recreate the demo workspace (${DEMO_WORKSPACE})
  --port N        code-server port (default: the first free one from 8080)
  -h, --help      this text

The demo workspace selects the offline demo model ("agentOrchestrator.provider": "demo" in its
.vscode/settings.json): a scripted local stand-in, clearly labelled, never a real LLM.
`;

/** Parsed command-line flags. */
function parseArgs(argv) {
  const options = { codeServer: false, fresh: false, port: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(HELP);
      process.exit(0);
    } else if (arg === '--code-server') options.codeServer = true;
    else if (arg === '--fresh') options.fresh = true;
    else if (arg === '--port') options.port = Number(argv[++i]);
    else {
      process.stderr.write(`npm start: unknown option ${arg}\n\n${HELP}`);
      process.exit(2);
    }
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    process.stderr.write('npm start: --port needs a port number\n');
    process.exit(2);
  }
  return options;
}

/** Prints a step of what this script does. */
function say(message) {
  process.stderr.write(`\n> ${message}\n`);
}

/** Runs a command in the foreground; exits with its code when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    cwd: REPO,
    shell: process.platform === 'win32',
    ...options,
  });
  if (result.status !== 0) {
    process.stderr.write(
      `\n${command} ${args.join(' ')} failed (${result.error?.message ?? `exit code ${result.status}`})\n`,
    );
    process.exit(result.status || 1);
  }
}

/** The full path of an executable on PATH, or undefined. */
function onPath(name) {
  const extensions = process.platform === 'win32' ? ['.cmd', '.exe', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const extension of extensions) {
      const candidate = join(dir, name + extension);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Creates the demo workspace unless it exists: a tiny project, the demo-model setting, a git repository (runs checkpoint through git). */
function ensureDemoWorkspace(fresh) {
  if (fresh) rmSync(DEMO_WORKSPACE, { recursive: true, force: true });
  if (existsSync(join(DEMO_WORKSPACE, '.vscode', 'settings.json'))) {
    say(`Demo workspace: ${DEMO_WORKSPACE} (kept from last time; --fresh recreates it)`);
    return;
  }
  say(`Creating the demo workspace ${DEMO_WORKSPACE}`);
  const files = {
    'README.md':
      '# Greeter\n\nA tiny project to try Agent Orchestrator on. Try the goal: "Document the greeter and add a test for it".\n',
    'package.json': `${JSON.stringify({ name: 'greeter', version: '1.0.0', private: true, scripts: { test: 'node --test' } }, null, 2)}\n`,
    'src/greet.js': '/** Greets someone by name. */\nexports.greet = (name) => `Hello, ${name}!`;\n',
    '.gitignore': 'node_modules/\n',
    '.vscode/settings.json': `${JSON.stringify({ 'agentOrchestrator.provider': 'demo' }, null, 2)}\n`,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(DEMO_WORKSPACE, path)), { recursive: true });
    writeFileSync(join(DEMO_WORKSPACE, path), content);
  }
  if (onPath('git')) {
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'demo',
      GIT_AUTHOR_EMAIL: 'demo@example.invalid',
      GIT_COMMITTER_NAME: 'demo',
      GIT_COMMITTER_EMAIL: 'demo@example.invalid',
    };
    for (const args of [
      ['init', '-q'],
      ['add', '-A'],
      ['commit', '-q', '-m', 'Demo workspace'],
    ]) {
      spawnSync('git', args, { cwd: DEMO_WORKSPACE, env, stdio: 'ignore' });
    }
  }
}

/** Copies the built extension where code-server loads it: `<extensions>/<publisher>.<name>-<version>/`. */
function installExtension(extensionsDir) {
  const { publisher, name, version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  rmSync(extensionsDir, { recursive: true, force: true });
  const target = join(extensionsDir, `${publisher}.${name}-${version}`);
  mkdirSync(join(target, 'dist'), { recursive: true });
  for (const file of ['package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
    if (existsSync(join(REPO, file))) cpSync(join(REPO, file), join(target, file));
  }
  cpSync(join(REPO, 'media'), join(target, 'media'), { recursive: true });
  // The manifest's main (the loader), activation, the engine, and the SDKs they require on first use.
  for (const file of ['extensionLoader.js', 'extension.js', 'extension.js.map', 'engine.js', 'engine.js.map']) {
    if (existsSync(join(REPO, 'dist', file))) cpSync(join(REPO, 'dist', file), join(target, 'dist', file));
  }
  for (const folder of ['webview', 'sdk']) {
    if (existsSync(join(REPO, 'dist', folder)))
      cpSync(join(REPO, 'dist', folder), join(target, 'dist', folder), { recursive: true });
  }
}

/** Whether 127.0.0.1:`port` can be bound right now. */
function portIsFree(port) {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** The first free port from 8080, or 0 (any) when none of the next ten is free. */
async function choosePort() {
  for (let port = 8080; port < 8090; port++) if (await portIsFree(port)) return port;
  return 0;
}

/** Opens the repository's extension in desktop VS Code's Extension Development Host. */
function startDesktop(code) {
  say(`Opening VS Code (${code}) with the extension in development mode on the demo workspace`);
  run(code, ['--new-window', `--extensionDevelopmentPath=${REPO}`, DEMO_WORKSPACE]);
  say(
    'VS Code opened an "Extension Development Host" window. Run "Orchestrator: Orchestrate Goal" from the Command Palette (F1).',
  );
}

/** Starts code-server with the extension, prints the URL, and stays in the foreground until Ctrl+C. */
async function startCodeServer(requestedPort) {
  const home = join(process.env.AO_CODE_SERVER_HOME || join(CACHE, 'code-server'), CODE_SERVER_VERSION);
  const codeServerEntry = join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(join(home, '.installed'))) {
    say(
      `The extension opens in code-server (VS Code in the browser). Installing code-server ${CODE_SERVER_VERSION} once into ${home} with scripts/installCodeServer.sh (a few minutes; as root it apt-installs the packages it builds with)`,
    );
    run('bash', [join(REPO, 'scripts', 'installCodeServer.sh'), '--no-browser']);
  }

  const extensionsDir = join(CODE_SERVER_STATE, 'extensions');
  const userDataDir = join(CODE_SERVER_STATE, 'user-data');
  installExtension(extensionsDir);
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(dirname(settingsFile), { recursive: true });
    writeFileSync(
      settingsFile,
      `${JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.ignoreRecommendations': true }, null, 2)}\n`,
    );
  }
  const config = join(CODE_SERVER_STATE, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');

  const port = requestedPort ?? (await choosePort());
  const env = { ...process.env };
  // Inside a VS Code terminal code-server would hand the folder to that VS Code instead of starting.
  for (const key of Object.keys(env)) if (key.startsWith('VSCODE_')) delete env[key];
  say(
    `Starting code-server on 127.0.0.1${port ? `:${port}` : ''} with the extension from dist/ (logs: ${join(CODE_SERVER_STATE, 'user-data', 'logs')})`,
  );
  const child = spawn(
    process.execPath,
    [
      codeServerEntry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--config',
      config,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--disable-workspace-trust',
      DEMO_WORKSPACE,
    ],
    { cwd: REPO, env, stdio: ['ignore', 'pipe', 'inherit'], detached: process.platform !== 'win32' },
  );
  let announced = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const match = /HTTP server listening on (http:\/\/[^\s/]+)/.exec(chunk.toString());
    if (match && !announced) {
      announced = true;
      const url = `${match[1]}/?folder=${encodeURIComponent(DEMO_WORKSPACE)}`;
      process.stdout.write(
        `\n  Agent Orchestrator is running in code-server. Open this URL in your browser:\n\n      ${url}\n\n  Then click the Agent Orchestrator icon in the activity bar, or run "Orchestrator: Orchestrate Goal" (F1).\n  The demo workspace uses the offline demo model (no API key). Ctrl+C stops code-server.\n\n`,
      );
    }
  });
  const stop = () => {
    try {
      if (process.platform === 'win32') child.kill();
      else process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  const code = await new Promise((done) => child.on('exit', (exitCode) => done(exitCode ?? 0)));
  process.exit(code);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  say('Building the extension (npm run build)');
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']);
  ensureDemoWorkspace(options.fresh);
  const code = options.codeServer ? undefined : onPath('code');
  if (code) startDesktop(code);
  else await startCodeServer(options.port);
}

await main();
