import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { PatientOidcConfig } from '../config.js';

/** What a test person's NHS login account says about them; absent claims are not sent. */
export type TestAccount = {
  nhsNumber?: string;
  identityLevel?: 'P0' | 'P5' | 'P9';
  givenName?: string;
  familyName?: string;
  email?: string;
  phone?: string;
};

export type BrowseOptions = {
  /** The subject of the account that signs in at the provider's login page; 'deny' cancels there. */
  as: string;
  /** Changes the authorization request before the browser sends it, as a meddling user agent could. */
  tamper?: (authorizationUrl: URL) => void;
};

export type TestOidcProvider = {
  issuer: string;
  /** The app's settings for this provider and its registered client. */
  config: PatientOidcConfig;
  /** Registers a person who can sign in; returns their subject identifier. */
  addAccount(account: TestAccount): string;
  /**
   * Plays the browser from the authorization URL to the redirect back to the app, keeping the
   * provider's cookies, and returns the callback URL (with code and state) it was sent to.
   */
  browse(authorizationUrl: string, opts: BrowseOptions): Promise<URL>;
  /** The parameters of the last authorization request the provider accepted. */
  lastAuthorization(): Record<string, unknown> | null;
  /** Header and payload of the last client assertion behind a successful token request. */
  lastClientAssertion(): { header: Record<string, unknown>; payload: Record<string, unknown> } | null;
  close(): Promise<void>;
};

const SCOPE_CLAIMS = {
  openid: ['sub'],
  // NHS login's profile scope: the NHS number and the level to which the identity was proved.
  profile: ['nhs_number', 'identity_proofing_level', 'family_name', 'given_name', 'birthdate'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

function claimsOf(sub: string, a: TestAccount): Record<string, unknown> & { sub: string } {
  const claims: Record<string, unknown> & { sub: string } = { sub };
  if (a.nhsNumber !== undefined) claims.nhs_number = a.nhsNumber;
  if (a.identityLevel !== undefined) claims.identity_proofing_level = a.identityLevel;
  if (a.givenName !== undefined) claims.given_name = a.givenName;
  if (a.familyName !== undefined) claims.family_name = a.familyName;
  if (a.email !== undefined) Object.assign(claims, { email: a.email, email_verified: true });
  if (a.phone !== undefined) Object.assign(claims, { phone_number: a.phone, phone_number_verified: true });
  return claims;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A cookie jar for one host, which is all the provider needs: names are unique across its paths. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1 and a random port, configured
 * as NHS login is: private_key_jwt client authentication with RS512, ID tokens signed with RS512,
 * PKCE required, and NHS login's claims. Login is a form the test browser posts the account to.
 */
export async function startOidcProvider(opts: { redirectUri: string }): Promise<TestOidcProvider> {
  const accounts = new Map<string, TestAccount>();
  let lastParams: Record<string, unknown> | null = null;
  let lastAssertion: { header: Record<string, unknown>; payload: Record<string, unknown> } | null = null;
  const serverErrors: unknown[] = [];

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const clientKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientKid = `test-client-${randomUUID()}`;
  const providerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientId = `confide-test-${randomUUID()}`;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        redirect_uris: [opts.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS512',
        id_token_signed_response_alg: 'RS512',
        jwks: {
          keys: [{ ...clientKey.publicKey.export({ format: 'jwk' }), kid: clientKid, use: 'sig', alg: 'RS512' }],
        },
      },
    ],
    jwks: { keys: [{ ...providerKey.privateKey.export({ format: 'jwk' }), kid: 'provider-key', use: 'sig' }] },
    enabledJWA: { clientAuthSigningAlgValues: ['RS512'], idTokenSigningAlgValues: ['RS512'] },
    pkce: { required: () => true },
    // Set rather than defaulted, which also keeps the provider from printing a notice for each.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60 },
    claims: SCOPE_CLAIMS,
    extraParams: ['vtr'],
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // A first-party client: the person is not asked to consent, as with NHS login's own partners.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, params } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(typeof params?.scope === 'string' ? params.scope : 'openid');
      await grant.save();
      return grant;
    },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: () => claimsOf(sub, account) } : undefined;
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('authorization.accepted', (ctx: KoaContextWithOIDC) => {
    lastParams = { ...ctx.oidc.params };
  });
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const assertion = ctx.oidc.params?.client_assertion;
    if (typeof assertion !== 'string') return;
    const [header = '', payload = ''] = assertion.split('.');
    const decode = (part: string) =>
      JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    lastAssertion = { header: decode(header), payload: decode(payload) };
  });
  provider.on('server_error', (_ctx: unknown, err: unknown) => serverErrors.push(err));
  const handleProvider = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<form method="post" action="${path}/login"><input name="account"></form>`);
      return;
    }
    const account = (await readForm(req)).get('account') ?? '';
    if (details.prompt.name !== 'login' || account === 'deny' || !accounts.has(account)) {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'Cancelled.' });
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account } }, { mergeWithLastSubmission: false });
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname.replace(/\/login$/, '');
    if (!path.startsWith('/interaction/')) {
      void handleProvider(req, res);
      return;
    }
    interaction(req, res, path).catch((err: unknown) => {
      serverErrors.push(err);
      res.writeHead(500).end();
    });
  });

  async function browse(authorizationUrl: string, browseOpts: BrowseOptions): Promise<URL> {
    const jar = new CookieJar();
    let url = new URL(authorizationUrl);
    browseOpts.tamper?.(url);
    let method: 'GET' | 'POST' = 'GET';
    let body: URLSearchParams | undefined;
    for (let hop = 0; hop < 20; hop++) {
      if (url.origin !== issuer) return url;
      const res = await fetch(url, { method, body, redirect: 'manual', headers: { cookie: jar.header() } });
      jar.store(res);
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url);
        [method, body] = ['GET', undefined];
      } else if (res.status === 200 && url.pathname.startsWith('/interaction/')) {
        // The login page: submit its form as the chosen person.
        url = new URL(`${url.pathname}/login`, issuer);
        [method, body] = ['POST', new URLSearchParams({ account: browseOpts.as })];
      } else {
        const text = await res.text();
        throw new Error(
          `provider answered ${res.status} at ${url.pathname}: ${text.slice(0, 300)} ${String(serverErrors)}`,
        );
      }
    }
    throw new Error('too many redirects at the provider');
  }

  return {
    issuer,
    config: {
      issuer,
      clientId,
      privateKeyPem: clientKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      kid: clientKid,
      scopes: 'openid profile email phone',
      vtr: null,
      allowHttp: true,
    },
    addAccount(account) {
      const sub = randomUUID();
      accounts.set(sub, account);
      return sub;
    },
    browse,
    lastAuthorization: () => lastParams,
    lastClientAssertion: () => lastAssertion,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
