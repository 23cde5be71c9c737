import { strict as assert } from 'node:assert';
import {
  decideKeyHost,
  keyHostQuestion,
  parseConfirmedKeyHosts,
  withConfirmedKeyHost,
} from '../../../src/host/secrets/keyHostDecision';
import { isLoopbackHost, keyHostOf } from '../../../src/core/engine/keyHosts';

describe('key host decision (which base URL hosts need the user to confirm)', () => {
  it("needs no confirmation for the provider's own endpoint", () => {
    assert.deepEqual(decideKeyHost('https://api.openai.com/v1', 'openai', {}), {
      ask: false,
      host: 'api.openai.com',
      reason: 'default-endpoint',
    });
    assert.deepEqual(decideKeyHost('https://API.Anthropic.com', 'anthropic', {}), {
      ask: false,
      host: 'api.anthropic.com',
      reason: 'default-endpoint',
    });
  });

  it("asks when a key would go to another provider's endpoint", () => {
    assert.equal(decideKeyHost('https://api.anthropic.com/v1', 'openai', {}).ask, true);
  });

  it('needs no confirmation for loopback hosts', () => {
    for (const url of [
      'http://localhost:11434/v1',
      'http://127.0.0.1:8080/v1',
      'http://127.1.2.3/v1',
      'http://[::1]:1234/v1',
    ]) {
      assert.deepEqual(decideKeyHost(url, 'openai', {}).ask, false, url);
    }
    assert.equal(isLoopbackHost('::1'), true);
  });

  it('asks for names that merely look local, and for any other host', () => {
    for (const url of [
      'http://localhost.evil.example/v1',
      'http://app.localhost/v1',
      'http://0.0.0.0:8080/v1',
      'https://openrouter.ai/api/v1',
      'http://192.168.1.10:11434/v1',
    ]) {
      assert.equal(decideKeyHost(url, 'openai', {}).ask, true, url);
    }
  });

  it('does not ask again for a host the user confirmed for this provider, and only for it', () => {
    const confirmed = withConfirmedKeyHost({}, 'openai', 'openrouter.ai');
    assert.deepEqual(decideKeyHost('https://openrouter.ai/api/v1', 'openai', confirmed), {
      ask: false,
      host: 'openrouter.ai',
      reason: 'confirmed',
    });
    assert.equal(decideKeyHost('https://openrouter.ai/api/v1', 'anthropic', confirmed).ask, true);
    assert.equal(decideKeyHost('https://other.example/v1', 'openai', confirmed).ask, true);
  });

  it('flags plain http to another machine', () => {
    assert.deepEqual(decideKeyHost('http://llm.example.com/v1', 'openai', {}), {
      ask: true,
      host: 'llm.example.com',
      plainHttp: true,
    });
    assert.deepEqual(decideKeyHost('https://llm.example.com/v1', 'openai', {}), {
      ask: true,
      host: 'llm.example.com',
      plainHttp: false,
    });
  });

  it('names the provider and the host in the question', () => {
    const q = keyHostQuestion('OpenAI', 'example.com', true);
    assert.equal(q.message, 'Send your OpenAI API key to example.com?');
    assert.match(q.detail, /unencrypted/);
    assert.doesNotMatch(keyHostQuestion('OpenAI', 'example.com', false).detail, /unencrypted/);
  });

  it('reads confirmed hosts defensively: anything malformed means none', () => {
    assert.deepEqual(parseConfirmedKeyHosts(undefined), {});
    assert.deepEqual(parseConfirmedKeyHosts({ openai: 'example.com' }), {});
    assert.deepEqual(parseConfirmedKeyHosts({ openai: ['example.com'] }), { openai: ['example.com'] });
    const once = withConfirmedKeyHost({}, 'openai', 'a.example');
    assert.equal(withConfirmedKeyHost(once, 'openai', 'a.example'), once);
  });

  it('explains a bad URL', () => {
    assert.throws(() => keyHostOf('not a url'), /not a valid URL; give an http:\/\/ or https:\/\/ URL/);
  });
});
