import { createHash } from 'node:crypto';
import * as path from 'node:path';

/**
 * The folder of one check's durable record (`VerificationRunOptions.record`) under `recordDir`,
 * named by a hash of a key unique across runs (run, task or gate round, check).
 */
export function checkRecordFolder(recordDir: string, uniqueKey: string): string {
  return path.join(recordDir, createHash('sha256').update(uniqueKey).digest('hex').slice(0, 32));
}
