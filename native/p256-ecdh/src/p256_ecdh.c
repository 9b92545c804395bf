// One P-256 ECDH with a fresh key pair, through the OpenSSL inside the running Node.js: the step
// of RFC 8291 (Web Push encryption) that is most of a push's CPU.
//
// Why not node:crypto: ECDH.computeSecret runs EC_KEY_check_key on its own key pair before every
// derivation, and that check is two more scalar multiplications (the private key times the
// generator, and the public key times the group order): measured, 124 µs per derivation against
// 56 µs for the derivation alone. crypto.diffieHellman and WebCrypto cost as much or more. Here
// the key pair is generated in the same call, so it is known good; the browser's key, which is
// not ours, is checked as a point on the curve. P-256 has cofactor 1, so a point on the curve
// (and not at infinity, which an uncompressed encoding cannot be) is a point of the prime-order
// group: nothing else is needed against invalid-curve or small-subgroup keys.
//
// And the rest of a message's encryption (sealRecord): RFC 8291's key derivation, five
// HMAC-SHA256s, and RFC 8188's one aes128gcm record. Through node:crypto each HMAC and the cipher
// is a new keyed object: about 25 µs a message where these OpenSSL calls take about 4.
#include <node_api.h>
#include "napi_buffers.h"
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdh.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <stdlib.h>
#include <string.h>

#define POINT_BYTES 65
#define SECRET_BYTES 32
#define SALT_BYTES 16
#define AUTH_BYTES 16
#define MAC_BYTES 32
#define CEK_BYTES 16
#define NONCE_BYTES 12
#define TAG_BYTES 16
// The aes128gcm header: salt, record size (4 bytes), key length (1 byte), the sender's public key.
#define HEADER_BYTES (SALT_BYTES + 4 + 1 + POINT_BYTES)
// Written in the header: larger than any payload, so there is one record.
#define RECORD_SIZE 4096
#define MAX_PLAINTEXT_BYTES (RECORD_SIZE - HEADER_BYTES - 1 - TAG_BYTES)

// RFC 8291 section 3.4, and RFC 8188 section 2.2 with HKDF-Expand to one hash length as one HMAC
// over info || 0x01. sizeof counts the literal's closing NUL, which is not part of the info.
static const unsigned char KEY_INFO[] = "WebPush: info\0";
static const unsigned char CEK_INFO[] = "Content-Encoding: aes128gcm\0\x01";
static const unsigned char NONCE_INFO[] = "Content-Encoding: nonce\0\x01";

// The curve, set up once per thread that loads the addon (each worker thread has its own), kept
// as the environment's instance data: freed when that thread ends, never before.
typedef struct {
  EC_GROUP *group;
} State;

static void free_state(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  State *state = data;
  EC_GROUP_free(state->group);
  free(state);
}

// ephemeralEcdh(peerPublic, senderPublicOut, secretOut) -> boolean
//   peerPublic: the browser's key, 65 bytes uncompressed (0x04 || x || y)
//   senderPublicOut: receives the new key pair's public key, 65 bytes uncompressed
//   secretOut: receives the shared secret (the x coordinate), 32 bytes
// Answers false, writing nothing, when the browser's key is not a point on P-256 or OpenSSL
// fails; the new private key never leaves this call and is wiped when it is freed.
static napi_value ephemeral_ecdh(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  State *state = NULL;
  if (napi_get_instance_data(env, (void **)&state) != napi_ok || state == NULL) {
    napi_throw_error(env, NULL, "p256-ecdh was not set up");
    return NULL;
  }
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 3) {
    return throw_type_error(env, "ephemeralEcdh takes three Buffers");
  }
  unsigned char *peer_bytes, *public_out, *secret_out;
  size_t peer_length, public_length, secret_length;
  if (!buffer_of(env, args[0], &peer_bytes, &peer_length) || !buffer_of(env, args[1], &public_out, &public_length) ||
      !buffer_of(env, args[2], &secret_out, &secret_length)) {
    return throw_type_error(env, "ephemeralEcdh takes three Buffers");
  }
  if (public_length != POINT_BYTES || secret_length != SECRET_BYTES) {
    return throw_type_error(env, "ephemeralEcdh writes a 65-byte public key and a 32-byte secret");
  }

  // Whatever OpenSSL records about a refused key is dropped before returning: left on this
  // thread's error queue, it would be reported by the next, unrelated node:crypto call.
  ERR_set_mark();
  int ok = 0;
  unsigned char secret[SECRET_BYTES];
  unsigned char sender_public[POINT_BYTES];
  EC_POINT *peer = EC_POINT_new(state->group);
  EC_KEY *key = EC_KEY_new();
  if (peer != NULL && key != NULL && peer_length == POINT_BYTES && peer_bytes[0] == POINT_CONVERSION_UNCOMPRESSED &&
      EC_POINT_oct2point(state->group, peer, peer_bytes, peer_length, NULL) == 1 &&
      EC_POINT_is_on_curve(state->group, peer, NULL) == 1 && EC_KEY_set_group(key, state->group) == 1 &&
      EC_KEY_generate_key(key) == 1 && ECDH_compute_key(secret, SECRET_BYTES, peer, key, NULL) == SECRET_BYTES &&
      EC_POINT_point2oct(state->group, EC_KEY_get0_public_key(key), POINT_CONVERSION_UNCOMPRESSED, sender_public,
                         POINT_BYTES, NULL) == POINT_BYTES) {
    memcpy(secret_out, secret, SECRET_BYTES);
    memcpy(public_out, sender_public, POINT_BYTES);
    ok = 1;
  }
  OPENSSL_cleanse(secret, SECRET_BYTES);
  // EC_KEY_free wipes the private key.
  EC_KEY_free(key);
  EC_POINT_free(peer);
  ERR_pop_to_mark();

  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

// sealRecord(secret, salt, uaPublic, senderPublic, authSecret, plaintext, out) -> boolean
//   secret: the ECDH shared secret, 32 bytes; salt: 16 random bytes for this message
//   uaPublic, senderPublic: the browser's and this message's public keys, 65 bytes uncompressed
//   authSecret: the browser's 16-byte auth secret; plaintext: at most one record's payload
//   out: exactly the room for the message, header and record (plaintext + 103 bytes), sharing no
//     memory with the inputs
// Writes the whole aes128gcm message: the header, then the payload with its last-record delimiter
// sealed under the derived key and nonce, then the tag. Every derived key is wiped before return.
// Answers false when OpenSSL fails; what it wrote of out is then not to be used.
static napi_value seal_record(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value args[7];
  unsigned char *secret, *salt, *ua_public, *sender_public, *auth, *plaintext, *out;
  size_t secret_length, salt_length, ua_length, sender_length, auth_length, plaintext_length, out_length;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 7 ||
      !buffer_of(env, args[0], &secret, &secret_length) || !buffer_of(env, args[1], &salt, &salt_length) ||
      !buffer_of(env, args[2], &ua_public, &ua_length) || !buffer_of(env, args[3], &sender_public, &sender_length) ||
      !buffer_of(env, args[4], &auth, &auth_length) || !buffer_of(env, args[5], &plaintext, &plaintext_length) ||
      !buffer_of(env, args[6], &out, &out_length)) {
    return throw_type_error(env, "sealRecord takes seven Buffers");
  }
  if (secret_length != SECRET_BYTES || salt_length != SALT_BYTES || ua_length != POINT_BYTES ||
      sender_length != POINT_BYTES || auth_length != AUTH_BYTES || plaintext_length > MAX_PLAINTEXT_BYTES ||
      out_length != HEADER_BYTES + plaintext_length + 1 + TAG_BYTES) {
    return throw_type_error(env, "sealRecord: an argument of the wrong size");
  }
  if (overlaps(out, out_length, secret, secret_length) || overlaps(out, out_length, salt, salt_length) ||
      overlaps(out, out_length, ua_public, ua_length) || overlaps(out, out_length, sender_public, sender_length) ||
      overlaps(out, out_length, auth, auth_length) || overlaps(out, out_length, plaintext, plaintext_length)) {
    return throw_type_error(env, "sealRecord: out shares memory with an input");
  }

  unsigned char key_info[sizeof(KEY_INFO) - 1 + 2 * POINT_BYTES + 1];
  unsigned char prk_key[MAC_BYTES], ikm[MAC_BYTES], prk[MAC_BYTES], cek[MAC_BYTES], nonce[MAC_BYTES];
  unsigned int length = 0;
  memcpy(key_info, KEY_INFO, sizeof(KEY_INFO) - 1);
  memcpy(key_info + sizeof(KEY_INFO) - 1, ua_public, POINT_BYTES);
  memcpy(key_info + sizeof(KEY_INFO) - 1 + POINT_BYTES, sender_public, POINT_BYTES);
  key_info[sizeof(key_info) - 1] = 1;

  ERR_set_mark();
  const EVP_MD *sha256 = EVP_sha256();
  // PRK_key = HMAC(auth, secret); IKM = HMAC(PRK_key, key_info || 1); PRK = HMAC(salt, IKM);
  // CEK and NONCE: HMAC(PRK, their info || 1), cut to 16 and 12 bytes.
  int ok = HMAC(sha256, auth, AUTH_BYTES, secret, SECRET_BYTES, prk_key, &length) != NULL &&
           HMAC(sha256, prk_key, MAC_BYTES, key_info, sizeof(key_info), ikm, &length) != NULL &&
           HMAC(sha256, salt, SALT_BYTES, ikm, MAC_BYTES, prk, &length) != NULL &&
           HMAC(sha256, prk, MAC_BYTES, CEK_INFO, sizeof(CEK_INFO) - 1, cek, &length) != NULL &&
           HMAC(sha256, prk, MAC_BYTES, NONCE_INFO, sizeof(NONCE_INFO) - 1, nonce, &length) != NULL;

  memcpy(out, salt, SALT_BYTES);
  out[SALT_BYTES] = (RECORD_SIZE >> 24) & 0xff;
  out[SALT_BYTES + 1] = (RECORD_SIZE >> 16) & 0xff;
  out[SALT_BYTES + 2] = (RECORD_SIZE >> 8) & 0xff;
  out[SALT_BYTES + 3] = RECORD_SIZE & 0xff;
  out[SALT_BYTES + 4] = POINT_BYTES;
  memcpy(out + SALT_BYTES + 5, sender_public, POINT_BYTES);

  EVP_CIPHER_CTX *gcm = ok ? EVP_CIPHER_CTX_new() : NULL;
  static const unsigned char last_record = 2;
  unsigned char *record = out + HEADER_BYTES;
  int written = 0, delimiter_written = 0, final_written = 0;
  ok = gcm != NULL && EVP_EncryptInit_ex(gcm, EVP_aes_128_gcm(), NULL, cek, nonce) == 1 &&
       EVP_EncryptUpdate(gcm, record, &written, plaintext, (int)plaintext_length) == 1 &&
       (size_t)written == plaintext_length &&
       EVP_EncryptUpdate(gcm, record + written, &delimiter_written, &last_record, 1) == 1 && delimiter_written == 1 &&
       EVP_EncryptFinal_ex(gcm, record + written + 1, &final_written) == 1 && final_written == 0 &&
       EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, record + plaintext_length + 1) == 1;
  // Frees and wipes the cipher's copy of the key.
  EVP_CIPHER_CTX_free(gcm);
  ERR_pop_to_mark();
  OPENSSL_cleanse(prk_key, sizeof(prk_key));
  OPENSSL_cleanse(ikm, sizeof(ikm));
  OPENSSL_cleanse(prk, sizeof(prk));
  OPENSSL_cleanse(cek, sizeof(cek));
  OPENSSL_cleanse(nonce, sizeof(nonce));

  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

NAPI_MODULE_INIT() {
  State *state = malloc(sizeof(State));
  if (state == NULL) {
    napi_throw_error(env, NULL, "p256-ecdh: out of memory");
    return NULL;
  }
  state->group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  if (state->group == NULL) {
    free(state);
    napi_throw_error(env, NULL, "p256-ecdh: OpenSSL has no P-256 curve");
    return NULL;
  }
  // From here the environment owns the state, and frees it when the thread ends.
  if (napi_set_instance_data(env, state, free_state, NULL) != napi_ok) {
    free_state(env, state, NULL);
    napi_throw_error(env, NULL, "p256-ecdh: could not keep its state");
    return NULL;
  }
  napi_value ecdh_fn, seal_fn;
  if (napi_create_function(env, "ephemeralEcdh", NAPI_AUTO_LENGTH, ephemeral_ecdh, NULL, &ecdh_fn) != napi_ok ||
      napi_set_named_property(env, exports, "ephemeralEcdh", ecdh_fn) != napi_ok ||
      napi_create_function(env, "sealRecord", NAPI_AUTO_LENGTH, seal_record, NULL, &seal_fn) != napi_ok ||
      napi_set_named_property(env, exports, "sealRecord", seal_fn) != napi_ok) {
    napi_throw_error(env, NULL, "p256-ecdh: could not export its functions");
    return NULL;
  }
  return exports;
}
