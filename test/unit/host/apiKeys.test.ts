import { strict as assert } from 'node:assert';
import type * as vscode from 'vscode';
import { Emitter } from '../../../src/core/common/emitter';
import { ApiKeyStore, validateApiKey } from '../../../src/host/secrets/apiKeys';

/** An in-memory SecretStorage, shaped like VS Code's. */
class FakeSecrets {
  readonly values = new Map<string, string>();
  private readonly changed = new Emitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event as unknown as vscode.Event<vscode.SecretStorageChangeEvent>;
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.changed.fire({ key });
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
    this.changed.fire({ key });
  }
  /** Another extension (or window) changing an unrelated secret. */
  fireForeign(key: string): void {
    this.changed.fire({ key });
  }
}

describe('ApiKeyStore', () => {
  const make = (env: Record<string, string> = {}) => {
    const secrets = new FakeSecrets();
    return { secrets, store: new ApiKeyStore(secrets as unknown as vscode.SecretStorage, env) };
  };

  it('reads SecretStorage first, then OPENAI_API_KEY / ANTHROPIC_API_KEY', async () => {
    const { store } = make({ OPENAI_API_KEY: ' sk-env ', ANTHROPIC_API_KEY: 'sk-ant-env' });
    assert.deepEqual(await store.lookup('openai'), { key: 'sk-env', source: 'environment' });
    await store.set('openai', 'sk-stored');
    assert.deepEqual(await store.lookup('openai'), { key: 'sk-stored', source: 'secretStorage' });
    assert.equal(await store.get('anthropic'), 'sk-ant-env');
    await store.delete('openai');
    assert.equal(await store.get('openai'), 'sk-env');
  });

  it('has no key when neither place has one (empty env values count as none)', async () => {
    const { store } = make({ OPENAI_API_KEY: '  ' });
    assert.equal(await store.get('openai'), undefined);
    assert.equal(await store.get('anthropic'), undefined);
  });

  it('stores only in SecretStorage, trimmed, under a per-provider key', async () => {
    const { store, secrets } = make();
    await store.set('anthropic', '  sk-ant-123\n');
    assert.deepEqual([...secrets.values], [['agentOrchestrator.apiKey.anthropic', 'sk-ant-123']]);
  });

  it('refuses empty keys and keys with whitespace, without repeating the key', async () => {
    const { store, secrets } = make();
    await assert.rejects(
      store.set('openai', '   '),
      /OpenAI API key was not saved: Enter the API key; it must not be empty/,
    );
    await assert.rejects(
      store.set('openai', 'sk-part1 sk-part2'),
      (err: Error) => /no spaces or line breaks/.test(err.message) && !err.message.includes('sk-part1'),
    );
    assert.equal(secrets.values.size, 0);
    assert.equal(validateApiKey('sk-ok'), undefined);
    assert.match(validateApiKey('x'.repeat(5000)) ?? '', /too long/);
  });

  it('refuses unknown providers', async () => {
    const { store } = make();
    await assert.rejects(store.set('gemini', 'sk-1'), /Unknown provider "gemini"/);
    await assert.rejects(store.lookup('gemini'), /Unknown provider "gemini"/);
    assert.equal(await store.get('gemini'), undefined, 'an engine asking for an unknown provider just finds no key');
  });

  it('fires onDidChange with the provider for its own secrets only, until disposed', async () => {
    const { store, secrets } = make();
    const seen: string[] = [];
    store.onDidChange((p) => seen.push(p));
    await store.set('openai', 'sk-1');
    await store.delete('anthropic');
    secrets.fireForeign('someOtherExtension.token');
    secrets.fireForeign('agentOrchestrator.apiKey.gemini');
    assert.deepEqual(seen, ['openai', 'anthropic']);
    store.dispose();
    await store.set('openai', 'sk-2');
    assert.deepEqual(seen, ['openai', 'anthropic']);
  });
});
