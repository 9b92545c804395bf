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
#include <node_api.h>
#include "napi_buffers.h"
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdh.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <stdlib.h>
#include <string.h>

#define POINT_BYTES 65
#define SECRET_BYTES 32

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
  napi_value fn;
  if (napi_create_function(env, "ephemeralEcdh", NAPI_AUTO_LENGTH, ephemeral_ecdh, NULL, &fn) != napi_ok ||
      napi_set_named_property(env, exports, "ephemeralEcdh", fn) != napi_ok) {
    napi_throw_error(env, NULL, "p256-ecdh: could not export ephemeralEcdh");
    return NULL;
  }
  return exports;
}
