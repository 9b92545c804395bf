import { Redis } from 'ioredis';

/**
 * The shared store for counters every node must agree on (rate limits, sign-in throttles).
 * Commands queue while connecting; a lost connection retries with a capped backoff.
 */
export function openRedis(url: string, onError: (err: unknown) => void): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  client.on('error', onError);
  return client;
}
