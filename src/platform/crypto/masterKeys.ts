import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.js';

export type MasterKeys = { currentId: string; keys: Map<string, Buffer> };

/** A short, non-secret fingerprint recorded beside each wrapped key, so unwrapping picks the right master. */
export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export const MASTER_KEY_FILE = 'master.key';

/**
 * MASTER_KEY from config when set; otherwise (embedded and development deployments) a key file
 * generated once in the data folder with owner-only permissions.
 */
export function loadMasterKeys(config: Pick<Config, 'masterKey' | 'previousMasterKeys' | 'dataDir'>): MasterKeys {
  let current: Buffer;
  if (config.masterKey) {
    current = Buffer.from(config.masterKey, 'base64');
  } else {
    const file = path.join(config.dataDir, MASTER_KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(config.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    current = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (current.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
  }
  const keys = new Map<string, Buffer>([[masterKeyId(current), current]]);
  for (const prev of config.previousMasterKeys) {
    const k = Buffer.from(prev, 'base64');
    keys.set(masterKeyId(k), k);
  }
  return { currentId: masterKeyId(current), keys };
}
