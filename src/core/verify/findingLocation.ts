// Locations in findings are workspace-relative `file:line[:col]` with forward slashes, whatever
// the tool printed (absolute, Windows, `file://` URL), so the host can open them and the agent
// can read them.

/** Options every output parser accepts. */
export interface ParseOptions {
  /** The directory the tool ran in; absolute paths inside it are made relative to it. */
  cwd?: string;
}

/** A path made workspace-relative to `cwd` when it lies inside it; forward slashes throughout. */
export function relativePath(file: string, cwd?: string): string {
  const path = normaliseSlashes(fromFileUrl(file.trim()));
  if (cwd === undefined || cwd.trim() === '' || !isAbsolute(path)) return path.replace(/^(?:\.\/)+/, '');
  const root = normaliseSlashes(cwd.trim()).replace(/\/+$/, '');
  const caseless = isWindowsPath(root) || isWindowsPath(path);
  const [left, right] = caseless ? [path.toLowerCase(), root.toLowerCase()] : [path, root];
  if (left === right) return '.';
  if (left.startsWith(`${right}/`)) return path.slice(root.length + 1);
  return path;
}

/** `file:line:col` for a finding; line and column are left out when unknown (0 or missing). */
export function findingLocation(file: string, line?: number, column?: number, cwd?: string): string {
  let location = relativePath(file, cwd);
  if (line !== undefined && Number.isFinite(line) && line > 0) {
    location += `:${line}`;
    if (column !== undefined && Number.isFinite(column) && column > 0) location += `:${column}`;
  }
  return location;
}

function fromFileUrl(file: string): string {
  if (!file.startsWith('file://')) return file;
  let path = file.slice('file://'.length);
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep the undecoded text: a location that is slightly off beats none
  }
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/** Backslashes become slashes, `.` and `..` segments of absolute paths are resolved. */
function normaliseSlashes(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  if (!isAbsolute(slashed)) return slashed;
  const prefix = /^[A-Za-z]:\//.test(slashed) ? slashed.slice(0, 3) : slashed.startsWith('//') ? '//' : '/';
  const parts: string[] = [];
  for (const part of slashed.slice(prefix.length).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return prefix + parts.join('/');
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function isWindowsPath(path: string): boolean {
  return /^[A-Za-z]:\//.test(path) || path.startsWith('//');
}
