import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { build } from '../../app.js';
import { RedisAttemptLimiter } from '../../identity/redisLimiter.js';
import { accessTokenFor, inAppRequest, makeSender, testNhsNumber } from '../../outbound/testSenders.js';
import { makeOrganisation, makeService, unique } from '../../testing/factories.js';
import { buildTestApp } from '../../testing/testApp.js';
import { testConfig } from '../../testing/testDatabase.js';
import { openRedis } from './redis.js';

// Needs a Redis server (CI sets CONFIDE_TEST_REDIS_URL to the local one).
const redisUrl = process.env.CONFIDE_TEST_REDIS_URL;

describe.skipIf(!redisUrl)('limits shared through Redis', () => {
  it('two nodes count one client together: the resume limit holds across them', async () => {
    const a = await buildTestApp({ config: { redisUrl: redisUrl! } });
    const b = await build(
      { ...testConfig({ redisUrl: redisUrl! }), masterKey: a.deps.config.masterKey },
      { db: a.deps.db },
    );
    try {
      const org = await makeOrganisation(a.deps);
      const service = await makeService(a.deps, org.id);
      // A fresh address per run: the counters live in Redis between runs.
      const remoteAddress = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
      const attempt = (node: typeof a.app) =>
        node.inject({
          method: 'POST',
          url: `/api/public/services/${service.slug}/resume`,
          remoteAddress,
          payload: { code: 'AAAAA-AAAAA' },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await attempt(i % 2 === 0 ? a.app : b)).statusCode);
      expect(statuses).toEqual(Array(10).fill(404));
      const over = await attempt(b);
      expect(over.statusCode).toBe(429);
      expect(over.headers['retry-after']).toBeDefined();
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('two nodes count one API client together: its per-minute rate holds across them', async () => {
    const a = await buildTestApp({ config: { redisUrl: redisUrl! } });
    const b = await build(
      { ...testConfig({ redisUrl: redisUrl! }), masterKey: a.deps.config.masterKey },
      { db: a.deps.db },
    );
    try {
      // A new client each run, so its counter in Redis starts at nothing.
      const sender = await makeSender(a.app, a.deps, { rateLimitPerMinute: 4 });
      const other = await makeSender(a.app, a.deps, { rateLimitPerMinute: 4 });
      const token = await accessTokenFor(a.app, sender);
      const send = (node: typeof a.app, odsCode: string, bearer: string) =>
        node.inject({
          method: 'POST',
          url: '/communication/in-app/FHIR/R4/CommunicationRequest',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/fhir+json' },
          payload: inAppRequest(testNhsNumber(), odsCode),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await send(i % 2 === 0 ? a.app : b, sender.odsCode, token)).statusCode);
      expect(statuses).toEqual([201, 201, 201, 201]);
      // Each node alone has seen two: only the shared count reaches the limit.
      const over = await send(b, sender.odsCode, token);
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect((await send(a.app, sender.odsCode, token)).statusCode).toBe(429);
      // Another client's count is its own.
      expect((await send(b, other.odsCode, await accessTokenFor(a.app, other))).statusCode).toBe(201);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it('the sign-in limiter blocks at the limit and reports when to retry', async () => {
    const redis = openRedis(redisUrl!, () => undefined);
    try {
      const limiter = new RedisAttemptLimiter(redis, unique('test-'), {
        maxFailures: 3,
        windowMs: 60_000,
        blockMs: 30_000,
      });
      const now = new Date();
      expect(await limiter.retryAfter('k', now)).toBe(0);
      expect([await limiter.recordFailure('k', now), await limiter.recordFailure('k', now)]).toEqual([false, false]);
      expect(await limiter.recordFailure('k', now)).toBe(true);
      const wait = await limiter.retryAfter('k', now);
      expect(wait).toBeGreaterThan(25);
      expect(wait).toBeLessThanOrEqual(30);
      expect(await limiter.retryAfter('other', now)).toBe(0);
    } finally {
      await redis.quit();
    }
  });
});
