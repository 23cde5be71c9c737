import assert from 'node:assert/strict';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { RunLogger } from '../../../src/core/observe/runLogger';
import { CommandLog } from '../../../src/core/tools/commandLog';

/** A command log over a logger that keeps the message of every log event. */
function recordedLog(maxBytes = 1 << 20): { log: CommandLog; lines: () => string[] } {
  const messages: string[] = [];
  const logger = new RunLogger((e: RunEventBody) => {
    if (e.type === 'log') messages.push(e.message);
  });
  // The first message is the `$ command` line, the last the exit code: the output lies between.
  return { log: new CommandLog(logger, 'node build.js', maxBytes), lines: () => messages.slice(1, -1) };
}

// stdout and stderr are two pipes: a chunk of one can arrive while the other is in the middle of a line.
describe('CommandLog: stdout and stderr arrive interleaved', () => {
  it('keeps a half-written stdout line apart from a stderr line that arrives in between', () => {
    const { log, lines } = recordedLog();
    log.start('.');
    log.output(Buffer.from('progress 50%'), 'stdout');
    log.output(Buffer.from('warning: slow disk\n'), 'stderr');
    log.output(Buffer.from(' done\n'), 'stdout');
    log.end(0, false);
    assert.deepEqual(lines(), ['warning: slow disk', 'progress 50% done']);
  });

  it('keeps each pipe’s half of a UTF-8 character to itself', () => {
    const { log, lines } = recordedLog();
    const euro = Buffer.from('€\n'); // three bytes and a newline
    log.start('.');
    log.output(euro.subarray(0, 1), 'stdout');
    log.output(Buffer.from('é\n'), 'stderr');
    log.output(euro.subarray(1), 'stdout');
    log.end(0, false);
    assert.deepEqual(lines(), ['é', '€']);
  });

  it('writes the unfinished last line of each pipe when the command ends', () => {
    const { log, lines } = recordedLog();
    log.start('.');
    log.output(Buffer.from('out without newline'), 'stdout');
    log.output(Buffer.from('err without newline'), 'stderr');
    log.end(1, false);
    assert.deepEqual(lines(), ['out without newline', 'err without newline']);
  });
});
