import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { inProcessBus, natsBus, type Bus } from './platform/bus/bus.js';
import { TtlCache } from './platform/cache/ttlCache.js';
import { openRedis } from './platform/redis/redis.js';
import { KeyRing } from './platform/crypto/keyring.js';
import { loadMasterKeys } from './platform/crypto/masterKeys.js';
import { migrate } from './platform/db/migrate.js';
import { openDatabase } from './platform/db/open.js';
import type { Db } from './platform/db/types.js';
import type { Deps } from './platform/deps.js';
import { installErrorHandler } from './platform/http/errorHandler.js';
import { healthRoutes } from './platform/http/health.js';
import { installStrictJsonParser } from './platform/http/jsonParser.js';
import { installSecurityHeaders } from './platform/http/securityHeaders.js';
import { serveWebApp } from './platform/http/webApp.js';
import { loggerOptions } from './platform/logging/logger.js';
import { registerDomains } from './routes.js';

export type BuildOptions = {
  /** An already-open database (tests share one per file); otherwise opened from config. */
  db?: Db;
  now?: () => Date;
  /** Where log lines go; tests capture them to prove nothing sensitive is written. */
  logStream?: { write(line: string): void };
};

/** Builds the whole application without listening; main.ts listens, tests use inject(). */
export async function build(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logStream ? { ...loggerOptions(config), stream: opts.logStream } : loggerOptions(config),
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    // Never disclose which framework or version serves the request.
    return503OnClosing: true,
    ajv: {
      // Unknown fields are refused rather than silently dropped, so a client bug is seen at once.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });

  const ownsDb = !opts.db;
  const db = opts.db ?? (await openDatabase(config));
  await migrate(db);
  let bus: Bus;
  try {
    bus = config.natsUrl
      ? await natsBus(config.natsUrl, (err) => app.log.warn({ err }, 'bad bus message'))
      : inProcessBus();
  } catch (err) {
    if (ownsDb) await db.close();
    throw err;
  }
  const deps: Deps = {
    config,
    db,
    keyring: new KeyRing(db, loadMasterKeys(config)),
    bus,
    now: opts.now ?? (() => new Date()),
    cache: new TtlCache(),
    redis: config.redisUrl ? openRedis(config.redisUrl, (err) => app.log.warn({ err }, 'redis error')) : null,
  };
  // Loaded before serving: audit entries are appended inside transactions, where the key ring
  // cannot fetch a key (and the embedded database's single connection would deadlock).
  db.context.auditKey = await deps.keyring.auditKey();
  app.decorate('deps', deps);
  app.addHook('onClose', async () => {
    await bus.close();
    await deps.redis?.quit().catch(() => undefined);
    if (ownsDb) await db.close();
  });

  installStrictJsonParser(app);
  installErrorHandler(app);
  installSecurityHeaders(app, {
    contentSecurityPolicy: {
      // Exactly the policy the web app is built for; nothing from Helmet's defaults is added.
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(config.secureCookies ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // Resume links carry their token in the URL fragment; never leak the page URL to other sites.
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(cookie);
  // Limits are declared per route (starting and resuming conversations); shared through Redis
  // when configured, so a client cannot multiply its allowance by the number of nodes.
  await app.register(rateLimit, {
    global: false,
    ...(deps.redis ? { redis: deps.redis, nameSpace: 'confide:rate:' } : {}),
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Confide API',
        version: '0.1.0',
        description:
          'Confidential conversations between service users and clinical teams, and outbound messages to patients through an NHS App–compatible FHIR API.',
      },
      components: {
        securitySchemes: {
          staffSession: { type: 'apiKey', in: 'cookie', name: 'confide_session' },
          patientSession: { type: 'apiKey', in: 'cookie', name: 'confide_patient' },
          // Access tokens from POST /oauth2/token (signed-JWT client credentials).
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes);
  await registerDomains(app);
  if (config.serveWeb) await serveWebApp(app);
  return app;
}
