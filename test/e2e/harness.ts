import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from '../../src/app.js';
import type { Deps } from '../../src/platform/deps.js';
import { WEB_DIST } from '../../src/platform/http/webApp.js';
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
  close: () => Promise<void>;
};

/** The real server on a random port serving the built web app, and a real Chromium. */
export async function startE2E(opts: { now?: () => Date } = {}): Promise<E2E> {
  const tdb: TestDatabase = await createTestDatabase();
  const app = await build(testConfig({ serveWeb: true, secureCookies: false }), {
    db: tdb.db,
    ...(opts.now ? { now: opts.now } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
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
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await app.close();
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
