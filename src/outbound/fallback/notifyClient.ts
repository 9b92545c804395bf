import axios from 'axios';
import { NotifyClient } from 'notifications-node-client';
import type { Config } from '../../config.js';

/**
 * A GOV.UK Notify client whose requests give up after the configured time. The library's own
 * HTTP client has no timeout, so a Notify that stopped answering would hold a fallback batch, and
 * the job's only lane, for ever. A request that times out counts as failed: its fallback is tried
 * again later, after asking Notify by reference whether the first attempt got through.
 */
export function notifyClient(config: NonNullable<Config['notify']>): NotifyClient {
  const client = new NotifyClient(config.baseUrl, config.apiKey);
  // The same axios, typed twice: the library sees its CommonJS types, this module the ES ones.
  client.setClient(axios.create({ timeout: config.timeoutMs }) as unknown as Parameters<NotifyClient['setClient']>[0]);
  return client;
}
