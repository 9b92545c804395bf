import type { Config } from '../config.js';
import type { Redis } from 'ioredis';
import type { Bus } from './bus/bus.js';
import type { TtlCache } from './cache/ttlCache.js';
import type { KeyRing } from './crypto/keyring.js';
import type { Db } from './db/types.js';

/** What every domain's service functions receive: no globals, so tests build their own. */
export type Deps = {
  config: Config;
  db: Db;
  keyring: KeyRing;
  bus: Bus;
  /** The server clock; injectable so calendar behaviour can be tested at any instant. */
  now: () => Date;
  /** Per-node cache of settings read on every request; see TtlCache for its consistency rules. */
  cache: TtlCache;
  /** Shared counters across nodes (REDIS_URL); null means each node counts for itself. */
  redis: Redis | null;
};

declare module 'fastify' {
  interface FastifyInstance {
    deps: Deps;
  }
}
