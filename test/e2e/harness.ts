import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { CALLBACK_PATH } from '../../src/identity/patientSignIn/oidcClient.js';
import type { Deps } from '../../src/platform/deps.js';
import { WEB_DIST } from '../../src/platform/http/webApp.js';
import { startOidcProvider, type TestOidcProvider } from '../../src/testing/oidcProvider.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../../src/testing/testDatabase.js';

/** Debian's Chromium, with the flags this closed network needs (no background calls out). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export type E2E = {
  app: FastifyInstance;
  deps: Deps;
  baseUrl: string;
  browser: Browser;
  /** A phone-sized context for a service user. */
  phone: () => Promise<BrowserContext>;
  /** A desktop context for staff. */
  desktop: () => Promise<BrowserContext>;
  /** The local OpenID Connect provider patients sign in at (as NHS login); null unless asked for. */
  oidc: TestOidcProvider | null;
  close: () => Promise<void>;
};

export type StartOptions = {
  now?: () => Date;
  /** Start a local OpenID Connect provider and configure the server's patient sign-in with it. */
  patientSignIn?: boolean;
  /** Accept push subscriptions on 127.0.0.1 over plain http: a local push service (PUSH_ALLOW_LOCAL_ENDPOINTS). */
  localPushEndpoints?: boolean;
};

/** A port that is free now, so PUBLIC_URL and the provider's redirect URI can name it before the server starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The server's configuration read from the environment, as an operator would set it: PUBLIC_URL is
 * the address Chromium uses (the callback is built from it), and PATIENT_OIDC_* name the local
 * provider and this client's key, with plain http allowed for the provider on 127.0.0.1.
 */
function patientSignInConfig(oidc: TestOidcProvider, publicUrl: string, localPush: boolean): Config {
  return loadConfig({
    NODE_ENV: 'test',
    MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    SERVE_WEB: 'true',
    SECURE_COOKIES: 'false',
    PUBLIC_URL: publicUrl,
    PATIENT_OIDC_ISSUER: oidc.config.issuer,
    PATIENT_OIDC_CLIENT_ID: oidc.config.clientId,
    PATIENT_OIDC_PRIVATE_KEY: oidc.config.privateKeyPem,
    PATIENT_OIDC_KID: oidc.config.kid ?? '',
    PATIENT_OIDC_SCOPES: oidc.config.scopes,
    PATIENT_OIDC_ALLOW_HTTP: 'true',
    ...(localPush ? { PUSH_ALLOW_LOCAL_ENDPOINTS: 'true' } : {}),
  });
}

/** The real server on a random port serving the built web app, and a real Chromium. */
export async function startE2E(opts: StartOptions = {}): Promise<E2E> {
  const tdb: TestDatabase = await createTestDatabase();
  // The provider registers the callback URL, so with sign-in the server's port is chosen first.
  const port = opts.patientSignIn ? await freePort() : 0;
  const oidc = opts.patientSignIn
    ? await startOidcProvider({ redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}` })
    : null;
  const config = oidc
    ? patientSignInConfig(oidc, `http://127.0.0.1:${port}`, opts.localPushEndpoints ?? false)
    : testConfig({ serveWeb: true, secureCookies: false, pushAllowLocalEndpoints: opts.localPushEndpoints ?? false });
  const app = await build(config, {
    db: tdb.db,
    ...(opts.now ? { now: opts.now } : {}),
  });
  await app.listen({ host: '127.0.0.1', port });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // Resume links are built from the public URL; point it at this server.
  app.deps.config.publicUrl = baseUrl;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const contexts: BrowserContext[] = [];
  const context = async (viewport: { width: number; height: number }, isMobile: boolean) => {
    const c = await browser.newContext({
      viewport,
      isMobile,
      hasTouch: isMobile,
      baseURL: baseUrl,
      locale: 'en-GB',
      timezoneId: 'Europe/London',
    });
    contexts.push(c);
    return c;
  };
  return {
    app,
    deps: app.deps,
    baseUrl,
    browser,
    phone: () => context({ width: 390, height: 844 }, true),
    desktop: () => context({ width: 1366, height: 900 }, false),
    oidc,
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await app.close();
      await oidc?.close();
      await tdb.drop();
    },
  };
}

/** WCAG 2.2 AA rules; any serious or critical violation fails the page, named with its targets. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const detail = bad
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
      .join('\n');
    throw new Error(`${label}: accessibility violations\n${detail}`);
  }
}

export function webBuildPresent(): string {
  return WEB_DIST;
}
