import assert from 'node:assert/strict';
import { config } from 'zod/mini';
import { parseHostMessage, parseWebviewMessage } from '../../../src/protocol/messages';

// zod/mini loads no locale, and the webview loads nothing else; in the host classic zod sets English
// globally. The protocol must say in English why it refused a message either way.
describe('protocol refusals are in English with no zod locale loaded', () => {
  let saved: ReturnType<typeof config>['localeError'];
  beforeEach(() => {
    saved = config().localeError;
    config({ localeError: undefined });
  });
  afterEach(() => {
    config({ localeError: saved });
  });

  it('names the field and the expected type of a webview message', () => {
    const result = parseWebviewMessage({ type: 'openEdit', runId: 'r1', taskId: 't1', index: '0' });
    assert.deepEqual(result, {
      ok: false,
      reason: '"openEdit" message refused: index: Invalid input: expected number, received string',
    });
  });

  it('names the limit a number broke', () => {
    const result = parseWebviewMessage({ type: 'openEdit', runId: 'r1', taskId: 't1', index: 100_001 });
    assert.deepEqual(result, {
      ok: false,
      reason: '"openEdit" message refused: index: Too big: expected number to be <=100000',
    });
  });

  it('lists the options of an enum', () => {
    const result = parseWebviewMessage({ type: 'taskAction', runId: 'r1', taskId: 't1', action: 'undo' });
    assert.deepEqual(result, {
      ok: false,
      reason:
        '"taskAction" message refused: action: Invalid option: expected one of "cancel"|"retry"|"skip"|"reassign"',
    });
  });

  it('gives the full path inside a host message', () => {
    const result = parseHostMessage({ type: 'runList', runs: [{ runId: 'r', goal: 1, status: 'running' }] });
    assert.deepEqual(result, {
      ok: false,
      reason: '"runList" message refused: runs.0.goal: Invalid input: expected string, received number',
    });
  });

  it('leaves no locale behind (the global setting is not the protocol’s to change)', () => {
    parseWebviewMessage({ type: 'openEdit', runId: 'r1', taskId: 't1', index: '0' });
    assert.equal(config().localeError, undefined);
  });
});
