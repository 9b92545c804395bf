/**
 * The CPU one push's payload encryption takes on one thread (RFC 8291: a new P-256 key pair, an
 * ECDH, five HMACs and AES-128-GCM), done wholly by each implementation this install has
 * (node:crypto, and the native addon where it was built), with the key pair and ECDH's share of
 * it. The encryption workers' rate is the cores they get divided by `encryptUs` of the one in use.
 * Prints one JSON line.
 *
 *   npx tsx bench/pushEncrypt.ts [--messages 20000]
 */
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { pushPayload } from '../src/outbound/push/pushPayload.js';
import {
  ECDH_IMPLEMENTATION,
  ecdhImplementations,
  encryptPush,
  sealImplementations,
} from '../src/outbound/push/rfc8291.mjs';

const at = process.argv.indexOf('--messages');
const messages = at >= 0 ? Number(process.argv[at + 1]) : 20_000;
if (!Number.isInteger(messages) || messages < 1000)
  throw new Error('--messages must be a whole number of at least 1000');

const browser = createECDH('prime256v1');
const uaPublic = browser.generateKeys();
const auth = randomBytes(16);
const payload = Buffer.from(pushPayload(randomUUID()));

/** CPU microseconds per call of `f`, after a warm-up. */
function cpuUs(f: () => unknown, n: number): number {
  for (let i = 0; i < Math.min(500, n); i++) f();
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const used = process.cpuUsage(start);
  return Math.round(((used.user + used.system) / n) * 10) / 10;
}

const implementations = Object.fromEntries(
  Object.entries(ecdhImplementations).map(([name, ecdh]) => [
    name,
    {
      encryptUs: cpuUs(
        () => encryptPush(uaPublic, auth, payload, ecdh, sealImplementations[name as keyof typeof sealImplementations]),
        messages,
      ),
      keyPairAndEcdhUs: cpuUs(() => ecdh(uaPublic), messages),
    },
  ]),
);
const inUse = implementations[ECDH_IMPLEMENTATION]!;
console.log(
  JSON.stringify({
    bench: 'pushEncrypt',
    messages,
    payloadBytes: payload.length,
    inUse: ECDH_IMPLEMENTATION,
    encryptUs: inUse.encryptUs,
    perThreadPerSecond: Math.round(1e6 / inUse.encryptUs),
    implementations,
    node: process.versions.node,
    openssl: process.versions.openssl,
  }),
);
