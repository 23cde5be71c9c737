import type { OutputStream } from '../common/processTree';
import type { RunLogger } from '../observe/runLogger';

/** Longest line written to the log; a longer one is cut with a note. */
const MAX_LINE_CHARS = 2000;
/** Most lines one command writes to the task log. */
const MAX_LINES = 500;

/** What one pipe has sent that is not a whole line yet. */
interface PendingLine {
  text: string;
  readonly decoder: TextDecoder;
}

/**
 * Streams a command's output to the task log line by line as it arrives, within a budget of
 * bytes and lines (the output cap of run_command), then says how much was not logged. stdout and
 * stderr are two pipes whose chunks arrive interleaved, so each keeps its own unfinished line (and
 * its own half of a UTF-8 character): a stderr line never lands inside a stdout one.
 */
export class CommandLog {
  private readonly pending: Record<OutputStream, PendingLine> = {
    stdout: { text: '', decoder: new TextDecoder('utf-8') },
    stderr: { text: '', decoder: new TextDecoder('utf-8') },
  };
  private loggedBytes = 0;
  private lines = 0;
  private unlogged = 0;

  constructor(
    private readonly log: RunLogger,
    private readonly command: string,
    private readonly maxBytes: number,
  ) {}

  /** The command is about to run. */
  start(cwd: string): void {
    this.log.info(`$ ${this.command}${cwd === '.' ? '' : ` (in ${cwd})`}`, { tool: 'run_command' });
  }

  /** A chunk of stdout or stderr. */
  output(chunk: Buffer, stream: OutputStream): void {
    if (this.full()) {
      this.unlogged += chunk.length;
      return;
    }
    const room = this.maxBytes - this.loggedBytes;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.unlogged += chunk.length - part.length;
    this.loggedBytes += part.length;
    const pending = this.pending[stream];
    const text = pending.text + pending.decoder.decode(part, { stream: true });
    const parts = text.split(/\r?\n/);
    pending.text = parts.pop() ?? '';
    for (const line of parts) this.line(line);
    if (pending.text.length > MAX_LINE_CHARS) {
      this.line(pending.text);
      pending.text = '';
    }
  }

  /** The command ended: the last partial line, what was not logged, and the exit code. */
  end(exitCode: number, timedOut: boolean): void {
    for (const pending of Object.values(this.pending)) {
      const rest = pending.text + pending.decoder.decode();
      if (rest !== '' && !this.full()) this.line(rest);
      pending.text = '';
    }
    if (this.unlogged > 0) this.log.info(`[${this.unlogged} bytes of output not logged]`, { tool: 'run_command' });
    const how = timedOut ? `killed at its timeout (exit code ${exitCode})` : `exit code ${exitCode}`;
    this.log.info(`$ ${this.command}: ${how}`, { tool: 'run_command' });
  }

  private full(): boolean {
    return this.loggedBytes >= this.maxBytes || this.lines >= MAX_LINES;
  }

  private line(text: string): void {
    if (this.lines >= MAX_LINES) {
      this.unlogged += Buffer.byteLength(text) + 1;
      return;
    }
    this.lines++;
    const shown = text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… [line cut]` : text;
    this.log.info(shown, { tool: 'run_command' });
  }
}
