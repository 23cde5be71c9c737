import type * as vscode from 'vscode';
import type { RunEvent } from '../../core/model/runEvents';
import type { RunEventSink } from '../../core/model/runEventSink';
import { runEventLogLine, type SecretScrubber } from './runLogFormat';

/** Writes one line per meaningful run event to the log channel, scrubbed of any key. */
export class RunLogSink implements RunEventSink {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly scrubber: SecretScrubber,
  ) {}

  append(event: RunEvent): void {
    const line = runEventLogLine(event);
    if (line) this.log[line.level](this.scrubber.scrub(line.message));
  }

  /** Nothing is buffered. */
  flush(): Promise<void> {
    return Promise.resolve();
  }
}
