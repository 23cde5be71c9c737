import type { Page } from 'playwright-core';

/** One entry of the workbench's browser storage (IndexedDB), its value as text. */
export interface StoredEntry {
  database: string;
  store: string;
  key: string;
  value: string;
}

/**
 * The page-side reader, as plain JavaScript text: a function compiled by the test's TypeScript
 * loader could carry helper calls (`__name`) that do not exist in the page.
 */
const READ_ALL_INDEXED_DB = `(async () => {
  const text = (value) => {
    if (typeof value === 'string') return value;
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return new TextDecoder().decode(value);
    return JSON.stringify(value) ?? String(value);
  };
  const request = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
  const entries = [];
  for (const info of await indexedDB.databases()) {
    if (!info.name) continue;
    const db = await request(indexedDB.open(info.name));
    try {
      for (const store of Array.from(db.objectStoreNames)) {
        const objects = db.transaction(store, 'readonly').objectStore(store);
        const keys = await request(objects.getAllKeys());
        const values = await request(objects.getAll());
        keys.forEach((key, i) => entries.push({ database: info.name, store, key: text(key), value: text(values[i]) }));
      }
    } finally {
      db.close();
    }
  }
  return entries;
})()`;

/**
 * Every entry of every IndexedDB database of the workbench page's origin: in a web workbench this
 * is where globalState, workspaceState and VS Code's own state live. Byte values are decoded as
 * UTF-8, others JSON-encoded.
 */
export async function readBrowserStorage(page: Page): Promise<StoredEntry[]> {
  return (await page.evaluate(READ_ALL_INDEXED_DB)) as StoredEntry[];
}

/** Whether an entry is VS Code's SecretStorage (`secret://…` keys), the one place a key may be kept. */
export function isSecretStorageEntry(entry: StoredEntry): boolean {
  return entry.key.startsWith('secret://');
}
