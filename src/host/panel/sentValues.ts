// What the panel last posted under each key, as JSON, so an update posts only what changed.
// Free of `vscode`.

/** The JSON last sent under each key (a task id, `status`, `timeline`…). */
export class SentValues {
  private readonly sent = new Map<string, string>();

  /** Forgets everything: the next value under every key counts as changed. */
  clear(): void {
    this.sent.clear();
  }

  /** Records `value` under `key`; true when it differs from what was sent under that key last. */
  changed(key: string, value: unknown): boolean {
    const json = JSON.stringify(value);
    if (this.sent.get(key) === json) return false;
    this.sent.set(key, json);
    return true;
  }
}
