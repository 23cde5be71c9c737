import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './prerequisites';

/** The fields of our package.json that name the installed extension. */
interface Manifest {
  publisher: string;
  name: string;
  version: string;
}

/** Publisher, name and version from the package.json in `folder` (default: the repository's). */
export function readManifest(folder = REPO_ROOT): Manifest {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest;
  return { publisher: manifest.publisher, name: manifest.name, version: manifest.version };
}

/** `publisher.name`, as VS Code identifies the extension (globalStorage folder, logs, running-extensions list). */
export function extensionId(folder = REPO_ROOT): string {
  const { publisher, name } = readManifest(folder);
  return `${publisher}.${name}`;
}

/**
 * Copies the built extension into `<extensionsDir>/<publisher>.<name>-<version>/` the way an
 * installed VSIX looks: the manifest, its strings, the bundles (loader, activation, engine, the SDKs) and the media. It is copied, not
 * symlinked, because Node resolves a symlinked main file to its real path and VS Code would then
 * not recognise which extension is calling `require('vscode')`.
 */
export function installExtension(extensionsDir: string): string {
  const { publisher, name, version } = readManifest();
  const target = join(extensionsDir, `${publisher}.${name}-${version}`);
  mkdirSync(join(target, 'dist'), { recursive: true });
  for (const file of ['package.json', 'package.nls.json', 'LICENSE']) {
    if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(target, file));
  }
  cpSync(join(REPO_ROOT, 'media'), join(target, 'media'), { recursive: true });
  for (const file of ['extensionLoader.js', 'extension.js', 'extension.js.map', 'engine.js', 'engine.js.map']) {
    if (existsSync(join(REPO_ROOT, 'dist', file))) cpSync(join(REPO_ROOT, 'dist', file), join(target, 'dist', file));
  }
  // The webview bundle, and the provider SDKs the extension requires on their first call (as the VSIX holds them).
  for (const folder of ['webview', 'sdk']) {
    if (existsSync(join(REPO_ROOT, 'dist', folder)))
      cpSync(join(REPO_ROOT, 'dist', folder), join(target, 'dist', folder), { recursive: true });
  }
  return target;
}

/**
 * Copies an unbuilt extension folder (package.json and plain JS, e.g. a test fixture) into
 * `<extensionsDir>/<publisher>.<name>-<version>/`, next to ours; returns its id `publisher.name`.
 */
export function installExtraExtension(extensionsDir: string, folder: string): string {
  const { publisher, name, version } = readManifest(folder);
  cpSync(folder, join(extensionsDir, `${publisher}.${name}-${version}`), { recursive: true });
  return `${publisher}.${name}`;
}
