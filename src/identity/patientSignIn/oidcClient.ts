import { importPKCS8 } from 'jose';
import * as oidc from 'openid-client';
import type { PatientOidcConfig } from '../../config.js';

/** Seconds to wait for the provider before a sign-in answers 503 rather than hanging. */
const PROVIDER_TIMEOUT_SECONDS = 10;

export const CALLBACK_PATH = '/api/patient/sign-in/callback';

/**
 * The relying party for one provider. Discovery runs on first use, not at start, so a provider
 * that is briefly down delays sign-in only; a failed discovery is retried by the next sign-in.
 */
export class PatientOidcClient {
  private discovered: Promise<oidc.Configuration> | null = null;
  readonly redirectUri: string;

  constructor(
    readonly settings: PatientOidcConfig,
    publicUrl: string,
  ) {
    this.redirectUri = new URL(CALLBACK_PATH, publicUrl).toString();
  }

  configuration(): Promise<oidc.Configuration> {
    this.discovered ??= this.discover().catch((err: unknown) => {
      this.discovered = null;
      throw err;
    });
    return this.discovered;
  }

  private async discover(): Promise<oidc.Configuration> {
    const { settings } = this;
    // RS512, as NHS login asks for client assertions: the algorithm follows from the imported key.
    const key = await importPKCS8(settings.privateKeyPem, 'RS512');
    const endpoints: { token?: string } = {};
    const auth = oidc.PrivateKeyJwt(settings.kid ? { key, kid: settings.kid } : key, {
      // NHS login expects the token endpoint as the assertion's audience (RFC 7523 allows it);
      // openid-client's default is the issuer.
      [oidc.modifyAssertion]: (_header, payload) => {
        if (endpoints.token) payload.aud = endpoints.token;
      },
    });
    const configuration = await oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      { redirect_uris: [this.redirectUri], response_types: ['code'] },
      auth,
      {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        ...(settings.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
    endpoints.token = configuration.serverMetadata().token_endpoint;
    return configuration;
  }
}
