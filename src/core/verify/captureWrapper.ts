import { promises as fs } from 'node:fs';

/**
 * The POSIX wrapper a verification command runs in. VS Code tasks do not hand their terminal
 * output to extensions, so the command runs under `/bin/sh -c` with its combined output shown in
 * the task terminal and copied by `tee` to a file, and its exit status written to a second file
 * (a pipeline's status would be tee's). The command, the output file and the status file are
 * passed as `$1`, `$2`, `$3`, never spliced into the script, so no quoting can go wrong, and
 * `/bin/sh` is named explicitly so the user's login shell (fish, nushell…) does not matter.
 */
export const CAPTURE_SCRIPT =
  '{ /bin/sh -c "$1"; echo $? > "$3"; } 2>&1 | tee "$2"; code=$(cat "$3" 2>/dev/null); exit "${code:-1}"';

/** The process and arguments that run `command` under {@link CAPTURE_SCRIPT}. */
export function captureCommand(
  command: string,
  outputFile: string,
  statusFile: string,
): { process: string; args: string[] } {
  return {
    process: '/bin/sh',
    args: ['-c', CAPTURE_SCRIPT, 'agent-orchestrator-verify', command, outputFile, statusFile],
  };
}

/** The last `maxBytes` of the captured output ('' when there is none). */
export async function readCapturedOutput(outputFile: string, maxBytes: number): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(outputFile, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The exit status the wrapper recorded, or undefined when the command never finished. */
export async function readCapturedStatus(statusFile: string): Promise<number | undefined> {
  const text = await fs.readFile(statusFile, 'utf8').catch(() => '');
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}
