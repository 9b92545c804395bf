import { createECDH } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt } from '../../testing/pushService.js';

/** RFC 8291 §5 and Appendix A: the published example, to the byte. */
const RFC = {
  plaintext: 'When I grow up, I want to be a watermelon',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  authSecret: 'BTBZMqHH6r4Tts7J_aSIgg',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_' +
    'yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

describe("the test push service's decryption", () => {
  const receiver = () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(RFC.uaPrivate, 'base64url'));
    expect(ecdh.getPublicKey().toString('base64url')).toBe(RFC.uaPublic);
    return ecdh;
  };

  it('opens the RFC 8291 example message', () => {
    const body = Buffer.from(RFC.body, 'base64url');
    expect(decrypt(body, receiver(), Buffer.from(RFC.authSecret, 'base64url'))).toBe(RFC.plaintext);
  });

  it('refuses the example with another auth secret, or with a byte changed', () => {
    const body = Buffer.from(RFC.body, 'base64url');
    expect(() => decrypt(body, receiver(), Buffer.alloc(16, 1))).toThrow();
    const tampered = Buffer.from(body);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => decrypt(tampered, receiver(), Buffer.from(RFC.authSecret, 'base64url'))).toThrow();
  });
});
