import path from 'node:path';
import type { Config } from '../../config.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Db } from './types.js';

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, inMemory = false): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  return openPglite(inMemory ? undefined : path.join(config.dataDir, 'pglite'));
}
