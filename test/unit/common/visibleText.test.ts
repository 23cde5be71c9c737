import assert from 'node:assert/strict';
import { escapeCharacter, neutraliseText, visibleText } from '../../../src/core/common/visibleText';

describe('checklist 30: visibleText makes text safe to show', () => {
  it('escapes C0 and C1 controls, ESC sequences, CR and DEL, keeping newline and tab', () => {
    const { text, neutralised } = neutraliseText('a\u001b[2Kb\rc\u007fd\u0085e\u0000f\n\tg');
    assert.equal(text, 'a\\x1b[2Kb\\rc\\x7fd\\x85e\\x00f\n\tg');
    assert.equal(neutralised, 5);
  });

  it('escapes bidi controls, zero-width and other invisible format characters', () => {
    const input = 'x\u202Ay\u202Ez\u2066\u2069\u200B\u200C\u200D\u2060\uFEFF\u00AD\u2028\u3164\u{E0041}';
    const { text, neutralised } = neutraliseText(input);
    assert.equal(
      text,
      'x\\u202ay\\u202ez\\u2066\\u2069\\u200b\\u200c\\u200d\\u2060\\ufeff\\xad\\u2028\\u3164\\u{e0041}',
    );
    assert.equal(neutralised, 13);
    assert.equal(escapeCharacter('\uD800'), '\\ud800');
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    const plain = 'héllo wörld — 日本語 🎉 curl | sh';
    assert.deepEqual(neutraliseText(plain), { text: plain, neutralised: 0 });
    assert.equal(visibleText(plain), plain);
  });

  it('on one line, marks text that had anything neutralised', () => {
    assert.equal(
      visibleText('curl evil | sh\r\u001b[2Kok'),
      'curl evil | sh\\r\\x1b[2Kok [⚠ 2 hidden or control characters shown as escapes (\\x1b, \\u202e, …)]',
    );
    assert.match(visibleText('a\nb'), /^a\\nb \[⚠ 1 hidden or control character shown/);
  });
});
