// A `vscode` module for plain-Node tests of the host's activation: every member of the API exists
// (callable, constructible, with every member of its own, as in test/bench/vscodeStubChild.js),
// and the calls activation makes are recorded so a test can look at them and run the commands.
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';

/** A webview serializer as `registerWebviewPanelSerializer` gets it. */
export interface RecordedSerializer {
  deserializeWebviewPanel(panel: unknown, state: unknown): Promise<void>;
}

/** A language-model tool as `lm.registerTool` gets it. */
export interface RecordedTool {
  invoke(options: { input: unknown }, token: unknown): Promise<unknown>;
}

/** What the fake records. */
export interface VscodeRecord {
  /** Registered commands by id; disposing a registration removes it. */
  commands: Map<string, (...args: unknown[]) => unknown>;
  /** The data provider of each tree view created, by view id. */
  treeViews: Map<string, unknown>;
  /** Ids of the status-bar items created. */
  statusBarItems: string[];
  /** The webview serializers registered, by view type. */
  serializers: Map<string, RecordedSerializer>;
  /** The language-model tools registered, by name. */
  lmTools: Map<string, RecordedTool>;
  /** Error messages shown. */
  errors: string[];
  /** How often an output channel was shown. */
  logShown: number;
  /** Lines logged at error level. */
  logErrors: string[];
}

function stub(name: string): unknown {
  const values = new Map<PropertyKey, unknown>();
  return new Proxy(function () {}, {
    set(_t, prop, value) {
      values.set(prop, value);
      return true;
    },
    get(_t, prop) {
      if (values.has(prop)) return values.get(prop);
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive || prop === 'toString' || prop === 'toJSON') return () => name;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'length') return 0;
      return stub(`${name}.${String(prop)}`);
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`) as object,
  });
}

const disposable = (onDispose: () => void = () => undefined) => ({ dispose: onDispose });

/** Forgets what was recorded (between the tests of one file, which share one fake). */
export function clearRecord(record: VscodeRecord): void {
  record.commands.clear();
  record.treeViews.clear();
  record.serializers.clear();
  record.lmTools.clear();
  for (const list of [record.statusBarItems, record.errors, record.logErrors]) list.length = 0;
  record.logShown = 0;
}

/** A fresh fake `vscode` module and what it records. */
export function recordingVscode(): { vscode: Record<string, unknown>; record: VscodeRecord } {
  const record: VscodeRecord = {
    commands: new Map(),
    treeViews: new Map(),
    statusBarItems: [],
    serializers: new Map(),
    lmTools: new Map(),
    errors: [],
    logShown: 0,
    logErrors: [],
  };
  const typings = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const vscode: Record<string, unknown> = {};
  for (const m of typings.matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm))
    vscode[m[1]!] = stub(`vscode.${m[1]}`);
  const members = (name: string): Record<string, unknown> => vscode[name] as Record<string, unknown>;
  members('commands').registerCommand = (id: string, run: (...args: unknown[]) => unknown) => {
    if (record.commands.has(id)) throw new Error(`command '${id}' already exists`);
    record.commands.set(id, run);
    return disposable(() => record.commands.delete(id));
  };
  const window = members('window');
  window.createTreeView = (id: string, options: { treeDataProvider: unknown }) => {
    record.treeViews.set(id, options.treeDataProvider);
    return stub(`treeView ${id}`);
  };
  window.createStatusBarItem = (id: string) => {
    record.statusBarItems.push(id);
    return stub(`statusBarItem ${id}`);
  };
  window.registerWebviewPanelSerializer = (viewType: string, serializer: RecordedSerializer) => {
    record.serializers.set(viewType, serializer);
    return disposable();
  };
  window.showErrorMessage = async (message: string) => {
    record.errors.push(message);
    return undefined;
  };
  window.createOutputChannel = () => {
    const channel = stub('outputChannel') as Record<string, unknown>;
    channel.show = () => void record.logShown++;
    channel.error = (line: unknown) => void record.logErrors.push(String(line));
    return channel;
  };
  // The language-model tool API came with VS Code 1.95; the typings are 1.90's, the fake has it.
  for (const name of ['LanguageModelToolResult', 'LanguageModelTextPart']) vscode[name] ??= stub(`vscode.${name}`);
  members('lm').registerTool = (name: string, tool: RecordedTool) => {
    record.lmTools.set(name, tool);
    return disposable();
  };
  members('workspace').isTrusted = true;
  members('workspace').workspaceFolders = [];
  return { vscode, record };
}

/**
 * Makes `require('vscode')` return `vscode` until the returned function is called. Modules that
 * loaded it keep the fake they got, so a test file installs one fake and records through it.
 */
export function installVscode(vscode: Record<string, unknown>): () => void {
  const modules = Module as unknown as {
    _resolveFilename(request: string, ...rest: unknown[]): string;
    _cache: Record<string, unknown>;
  };
  const resolve = modules._resolveFilename;
  modules._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  modules._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
  return () => {
    modules._resolveFilename = resolve;
    delete modules._cache.vscode;
  };
}

/** The repository's package.json, as VS Code hands it to the extension (`context.extension.packageJSON`). */
export function manifest(): { contributes: Record<string, Array<Record<string, unknown>>> } {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as ReturnType<typeof manifest>;
}
