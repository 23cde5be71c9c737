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
    if (!line) return;
    // A debug line exists only when agentOrchestrator.logLevel is debug: that one setting decides, so
    // it is written at info, where the channel shows it without also changing the channel's own level.
    if (line.level === 'debug') this.log.info(this.scrubber.scrub(`[debug] ${line.message}`));
    else this.log[line.level](this.scrubber.scrub(line.message));
  }

  /** Nothing is buffered. */
  flush(): Promise<void> {
    return Promise.resolve();
  }
}
