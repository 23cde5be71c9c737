import * as vscode from 'vscode';
import { TaskFailure } from '../../core/model/failure';
import { lineEndings } from './lineEndings';

/** Where the writer reports what it had to correct; the extension's log channel. */
export interface WriterLog {
  info(message: string): void;
  warn(message: string): void;
}

const encoder = new TextEncoder();

/**
 * Writes an approved edit the VS Code way: the whole document is replaced (or the file created or
 * deleted) through one `vscode.WorkspaceEdit`, so open editors, undo and other extensions see it,
 * and the document is saved at once; `content` undefined deletes the file. The engine's
 * VscodeWorkspace calls this from `writeFile`/`deleteFile` after it has checked the path and that
 * the file is still what the proposal was based on.
 *
 * Guarantees: the file on disk ends up exactly `content` (save participants such as format-on-save,
 * or line endings a text document cannot hold, are corrected by writing the bytes, and logged);
 * a symbolic link at the target is never written through; unsaved changes in an open editor are
 * never overwritten: that pauses the task (`needs-human`) until the user saves or reverts them.
 */
export async function applyContentWithWorkspaceEdit(
  uri: vscode.Uri,
  content: string | undefined,
  log?: WriterLog,
): Promise<void> {
  const stat = await statOrUndefined(uri);
  const name = vscode.workspace.asRelativePath(uri, false);
  if (stat !== undefined && (stat.type & vscode.FileType.SymbolicLink) !== 0) {
    throw new TaskFailure(`Refusing to write ${name}: it is a symbolic link.`, 'fatal');
  }
  if (stat !== undefined && (stat.type & vscode.FileType.Directory) !== 0) {
    throw new TaskFailure(`Cannot write ${name}: it is a folder.`, 'fatal');
  }
  refuseUnsavedChanges(uri, name);

  if (content === undefined) {
    if (stat === undefined) return;
    await apply(name, (edit) => edit.deleteFile(uri, { ignoreIfNotExists: true }));
    if ((await statOrUndefined(uri)) !== undefined) throw new TaskFailure(`${name} could not be deleted.`, 'retryable');
    return;
  }

  if (stat === undefined) {
    // Created on disk with its exact bytes; no document is opened, so nothing is left unsaved.
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await apply(name, (edit) => edit.createFile(uri, { overwrite: false, contents: encoder.encode(content) }));
  } else {
    if (stat.permissions !== undefined && (stat.permissions & vscode.FilePermission.Readonly) !== 0) {
      throw new TaskFailure(`${name} is read-only; make it writable, then resume the run.`, 'needs-human');
    }
    await replaceDocument(uri, name, content);
  }
  await ensureExactOnDisk(uri, name, content, log);
}

/** Replaces the whole text (and line-ending kind) of the document, then saves it. */
async function replaceDocument(uri: vscode.Uri, name: string, content: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.isDirty) throw unsavedChanges(name);
  const original = document.getText();
  if (original === content) return;
  const eol = lineEndings(content);
  const edits = [vscode.TextEdit.replace(fullRange(document), content)];
  if (eol === 'crlf' || eol === 'lf')
    edits.push(vscode.TextEdit.setEndOfLine(eol === 'crlf' ? vscode.EndOfLine.CRLF : vscode.EndOfLine.LF));
  await apply(name, (edit) => edit.set(uri, edits));
  if (await document.save()) return;
  // Leave the buffer as it was on disk rather than holding the agent's text unsaved.
  const restore = new vscode.WorkspaceEdit();
  restore.replace(uri, fullRange(document), original);
  await vscode.workspace.applyEdit(restore);
  await document.save();
  throw new TaskFailure(
    `${name} could not be saved; nothing was written. Check the file, then resume the run.`,
    'needs-human',
  );
}

/** Reads the file back; when a save participant or the editor's line endings changed it, writes the exact bytes. */
async function ensureExactOnDisk(
  uri: vscode.Uri,
  name: string,
  content: string,
  log: WriterLog | undefined,
): Promise<void> {
  const onDisk = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  if (onDisk === content) return;
  log?.warn(
    `${name}: the saved file differed from the approved content (a save participant or line endings); wrote the approved content exactly.`,
  );
  await vscode.workspace.fs.writeFile(uri, encoder.encode(content));
}

/** Applies one WorkspaceEdit built by `build`; an edit VS Code refuses is an error, nothing half-applied. */
async function apply(name: string, build: (edit: vscode.WorkspaceEdit) => void): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  build(edit);
  if (!(await vscode.workspace.applyEdit(edit)))
    throw new TaskFailure(`VS Code refused the edit of ${name}; nothing was written.`, 'retryable');
}

function refuseUnsavedChanges(uri: vscode.Uri, name: string): void {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty === true) throw unsavedChanges(name);
}

function unsavedChanges(name: string): TaskFailure {
  return new TaskFailure(
    `${name} has unsaved changes in an editor; save or revert them, then resume the run.`,
    'needs-human',
  );
}

function fullRange(document: vscode.TextDocument): vscode.Range {
  return document.validateRange(new vscode.Range(0, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
}

async function statOrUndefined(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
    throw err;
  }
}
