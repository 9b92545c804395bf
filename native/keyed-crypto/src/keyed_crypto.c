// HMAC-SHA256 and AES-256-GCM under a key that is set up once and then used for many short
// values, through the OpenSSL inside the running Node.js: the lookup and request HMACs and the
// sealing of every message of a bulk send.
//
// Why not node:crypto: createHmac and createCipheriv build a new OpenSSL context, and key it,
// for every value. For the 10-digit NHS number of a lookup HMAC, or a message of 700 bytes,
// that set-up is most of the cost: measured, 2.2 µs a lookup HMAC and 4.5 µs a seal, where the
// hashing and the encryption themselves take a fraction of a microsecond. Here the keyed
// context is made once (the HMAC's inner and outer pads hashed, the AES key schedule expanded)
// and each value only resets it: HMAC_Init_ex with no key or digest reuses the pads, and
// EVP_EncryptInit_ex with only an IV keeps the key schedule.
//
// A keyed context is held by the JavaScript object it is returned in (marked with a type tag, so
// no other object passes for one) and freed (OpenSSL wipes the key material) when that object is
// collected. It belongs to the thread that made it: these objects cannot cross to another thread.
#include <node_api.h>
#include "napi_buffers.h"
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#define MAC_BYTES 32
#define AES_KEY_BYTES 32
#define IV_BYTES 12
#define TAG_BYTES 16
// Values up to this size are copied out of a JavaScript string onto the stack.
#define STACK_BYTES 1024

typedef enum { KIND_HMAC = 1, KIND_GCM = 2, KIND_GCM_OPEN = 3 } Kind;

typedef struct {
  Kind kind;
  HMAC_CTX *hmac;
  EVP_CIPHER_CTX *gcm;
} Keyed;

static void free_keyed(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Keyed *keyed = data;
  // Both free functions cleanse the context, key material included.
  HMAC_CTX_free(keyed->hmac);
  EVP_CIPHER_CTX_free(keyed->gcm);
  free(keyed);
}

// Marks the objects that hold this addon's contexts: any other object, even one wrapping some other
// native data, is refused rather than read as a context.
static const napi_type_tag KEYED_TAG = {0x6b65796564637279ULL, 0x70746f636f6e7478ULL};

static Keyed *keyed_of(napi_env env, napi_value value, Kind kind) {
  napi_valuetype type;
  bool tagged = false;
  Keyed *keyed = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_object) return NULL;
  if (napi_check_object_type_tag(env, value, &KEYED_TAG, &tagged) != napi_ok || !tagged) return NULL;
  if (napi_unwrap(env, value, (void **)&keyed) != napi_ok || keyed == NULL) return NULL;
  return keyed->kind == kind ? keyed : NULL;
}

// A call on a keyed context: exactly `count` arguments, the first a context of this kind. Answers
// the context, or NULL with a TypeError thrown saying what the call takes.
static Keyed *keyed_call(napi_env env, napi_callback_info info, size_t count, napi_value *args, Kind kind,
                         const char *usage) {
  size_t argc = count;
  Keyed *keyed = NULL;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) == napi_ok && argc == count) {
    keyed = keyed_of(env, args[0], kind);
  }
  if (keyed == NULL) throw_type_error(env, usage);
  return keyed;
}

// An object holding the context, which frees it when the object is collected.
static napi_value wrap(napi_env env, Keyed *keyed) {
  napi_value result;
  if (napi_create_object(env, &result) != napi_ok) {
    free_keyed(env, keyed, NULL);
    napi_throw_error(env, NULL, "keyed-crypto: could not hold the key");
    return NULL;
  }
  if (napi_wrap(env, result, keyed, free_keyed, NULL, NULL) != napi_ok) {
    free_keyed(env, keyed, NULL);
    napi_throw_error(env, NULL, "keyed-crypto: could not hold the key");
    return NULL;
  }
  // From here the object owns the context: a failure to tag it leaves it to be collected.
  if (napi_type_tag_object(env, result, &KEYED_TAG) != napi_ok) {
    napi_throw_error(env, NULL, "keyed-crypto: could not mark the key");
    return NULL;
  }
  return result;
}

static int init_hmac(Keyed *keyed, const unsigned char *key, size_t length) {
  keyed->hmac = HMAC_CTX_new();
  return keyed->hmac != NULL && HMAC_Init_ex(keyed->hmac, key, (int)length, EVP_sha256(), NULL) == 1;
}

static int init_gcm(Keyed *keyed, const unsigned char *key, size_t length) {
  (void)length;
  keyed->gcm = EVP_CIPHER_CTX_new();
  return keyed->gcm != NULL && EVP_EncryptInit_ex(keyed->gcm, EVP_aes_256_gcm(), NULL, key, NULL) == 1 &&
         EVP_CIPHER_CTX_ctrl(keyed->gcm, EVP_CTRL_GCM_SET_IVLEN, IV_BYTES, NULL) == 1;
}

static int init_gcm_open(Keyed *keyed, const unsigned char *key, size_t length) {
  (void)length;
  keyed->gcm = EVP_CIPHER_CTX_new();
  return keyed->gcm != NULL && EVP_DecryptInit_ex(keyed->gcm, EVP_aes_256_gcm(), NULL, key, NULL) == 1 &&
         EVP_CIPHER_CTX_ctrl(keyed->gcm, EVP_CTRL_GCM_SET_IVLEN, IV_BYTES, NULL) == 1;
}

// A keying call: its one argument, a key of min_length to max_length bytes, made into a context
// of this kind by init. Answers the external holding it, or NULL with an error thrown.
static napi_value new_keyed(napi_env env, napi_callback_info info, Kind kind, size_t min_length, size_t max_length,
                            int (*init)(Keyed *, const unsigned char *, size_t), const char *usage) {
  size_t argc = 1;
  napi_value args[1];
  unsigned char *key;
  size_t key_length;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 1 ||
      !buffer_of(env, args[0], &key, &key_length) || key_length < min_length || key_length > max_length) {
    return throw_type_error(env, usage);
  }
  Keyed *keyed = calloc(1, sizeof(Keyed));
  if (keyed == NULL) {
    napi_throw_error(env, NULL, "keyed-crypto: out of memory");
    return NULL;
  }
  keyed->kind = kind;
  ERR_set_mark();
  int ok = init(keyed, key, key_length);
  ERR_pop_to_mark();
  if (!ok) {
    free_keyed(env, keyed, NULL);
    napi_throw_error(env, NULL, "keyed-crypto: OpenSSL could not set up the key");
    return NULL;
  }
  return wrap(env, keyed);
}

// hmacSha256Key(key) -> keyed context for hmacSha256. The key may be of any length.
static napi_value hmac_sha256_key(napi_env env, napi_callback_info info) {
  return new_keyed(env, info, KIND_HMAC, 1, (size_t)INT32_MAX, init_hmac, "hmacSha256Key takes a key as a Buffer");
}

// aes256GcmKey(key) -> keyed context for aes256GcmSealEach. The key is 32 bytes.
static napi_value aes256_gcm_key(napi_env env, napi_callback_info info) {
  return new_keyed(env, info, KIND_GCM, AES_KEY_BYTES, AES_KEY_BYTES, init_gcm,
                   "aes256GcmKey takes a 32-byte key as a Buffer");
}

// hmacSha256(keyed, value) -> 32-byte Buffer. value: a string (hashed as UTF-8) or a Buffer.
static napi_value hmac_sha256(napi_env env, napi_callback_info info) {
  napi_value args[2];
  Keyed *keyed =
      keyed_call(env, info, 2, args, KIND_HMAC, "hmacSha256 takes a keyed HMAC from hmacSha256Key and a value");
  if (keyed == NULL) return NULL;

  unsigned char stack[STACK_BYTES];
  unsigned char *data = NULL;
  unsigned char *heap = NULL;
  size_t length = 0;
  napi_valuetype type;
  if (napi_typeof(env, args[1], &type) != napi_ok) return throw_type_error(env, "hmacSha256: unreadable value");
  if (type == napi_string) {
    // Copied as UTF-8 (lone surrogates become U+FFFD, as Buffer.from(value, 'utf8') makes them).
    if (napi_get_value_string_utf8(env, args[1], (char *)stack, STACK_BYTES, &length) != napi_ok) {
      return throw_type_error(env, "hmacSha256: unreadable string");
    }
    data = stack;
    // A string that came near filling the stack buffer may have been cut short (before a character
    // that would not fit whole, of up to 4 bytes): measure it and copy it whole.
    if (length >= STACK_BYTES - 4) {
      if (napi_get_value_string_utf8(env, args[1], NULL, 0, &length) != napi_ok) {
        return throw_type_error(env, "hmacSha256: unreadable string");
      }
      OPENSSL_cleanse(stack, STACK_BYTES);
      heap = malloc(length + 1);
      if (heap == NULL) {
        napi_throw_error(env, NULL, "keyed-crypto: out of memory");
        return NULL;
      }
      size_t copied = 0;
      if (napi_get_value_string_utf8(env, args[1], (char *)heap, length + 1, &copied) != napi_ok || copied != length) {
        free(heap);
        return throw_type_error(env, "hmacSha256: unreadable string");
      }
      data = heap;
    }
  } else if (!buffer_of(env, args[1], &data, &length)) {
    return throw_type_error(env, "hmacSha256 hashes a string or a Buffer");
  }

  unsigned char mac[MAC_BYTES];
  unsigned int mac_length = 0;
  ERR_set_mark();
  int ok = HMAC_Init_ex(keyed->hmac, NULL, 0, NULL, NULL) == 1 && HMAC_Update(keyed->hmac, data, length) == 1 &&
           HMAC_Final(keyed->hmac, mac, &mac_length) == 1 && mac_length == MAC_BYTES;
  ERR_pop_to_mark();
  if (heap != NULL) {
    OPENSSL_cleanse(heap, length);
    free(heap);
  } else if (data == stack) {
    OPENSSL_cleanse(stack, length);
  }
  if (!ok) {
    napi_throw_error(env, NULL, "keyed-crypto: OpenSSL could not compute the HMAC");
    return NULL;
  }
  napi_value result;
  if (napi_create_buffer_copy(env, MAC_BYTES, mac, NULL, &result) != napi_ok) {
    napi_throw_error(env, NULL, "keyed-crypto: could not return the HMAC");
    return NULL;
  }
  return result;
}

// aes256GcmOpenKey(key) -> keyed context for aes256GcmOpen. The key is 32 bytes.
static napi_value aes256_gcm_open_key(napi_env env, napi_callback_info info) {
  return new_keyed(env, info, KIND_GCM_OPEN, AES_KEY_BYTES, AES_KEY_BYTES, init_gcm_open,
                   "aes256GcmOpenKey takes a 32-byte key as a Buffer");
}

// aes256GcmOpen(keyed, aad, sealed) -> Buffer | null
//   aad: the additional data the value was sealed with (its header)
//   sealed: iv | tag | ciphertext
// Answers the plaintext, or null when the value is too short or does not authenticate (wrong key,
// aad or tag, or a changed byte): nothing of an unauthenticated value is returned.
static napi_value aes256_gcm_open(napi_env env, napi_callback_info info) {
  napi_value args[3];
  Keyed *keyed = keyed_call(env, info, 3, args, KIND_GCM_OPEN,
                            "aes256GcmOpen takes a keyed cipher from aes256GcmOpenKey, aad and a sealed value");
  if (keyed == NULL) return NULL;
  unsigned char *aad, *sealed;
  size_t aad_length, sealed_length;
  if (!buffer_of(env, args[1], &aad, &aad_length) || !buffer_of(env, args[2], &sealed, &sealed_length)) {
    return throw_type_error(env, "aes256GcmOpen takes Buffers");
  }
  napi_value null_value;
  napi_get_null(env, &null_value);
  // Nothing this long was sealed here: it cannot open.
  if (aad_length > (size_t)INT32_MAX || sealed_length > (size_t)INT32_MAX) return null_value;
  if (sealed_length < IV_BYTES + TAG_BYTES) return null_value;
  const size_t length = sealed_length - IV_BYTES - TAG_BYTES;
  unsigned char tag[TAG_BYTES];
  memcpy(tag, sealed + IV_BYTES, TAG_BYTES);
  // The plaintext is written straight into the Buffer returned; it is wiped if the value fails.
  void *plain_data = NULL;
  napi_value result;
  if (napi_create_buffer(env, length, &plain_data, &result) != napi_ok) {
    napi_throw_error(env, NULL, "keyed-crypto: could not return the plaintext");
    return NULL;
  }
  unsigned char *plaintext = plain_data;
  EVP_CIPHER_CTX *gcm = keyed->gcm;
  int written = 0, final_written = 0, aad_written = 0;
  unsigned char none[1];
  ERR_set_mark();
  int ok = EVP_DecryptInit_ex(gcm, NULL, NULL, NULL, sealed) == 1 &&
           (aad_length == 0 || EVP_DecryptUpdate(gcm, NULL, &aad_written, aad, (int)aad_length) == 1) &&
           EVP_DecryptUpdate(gcm, length > 0 ? plaintext : none, &written, sealed + IV_BYTES + TAG_BYTES,
                             (int)length) == 1 &&
           (size_t)written == length && EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag) == 1 &&
           EVP_DecryptFinal_ex(gcm, length > 0 ? plaintext + written : none, &final_written) == 1 &&
           final_written == 0;
  ERR_pop_to_mark();
  if (!ok) {
    OPENSSL_cleanse(plaintext, length);
    return null_value;
  }
  return result;
}

// aes256GcmSealEach(keyed, header, ivs, plaintexts, lengths, out) -> boolean
//   header: written before each sealed value and authenticated with it as its additional data
//   ivs: 12 bytes for each value, end to end (the caller draws them at random)
//   plaintexts: every value end to end, one Buffer; lengths: a Uint32Array of their lengths
//   out: exactly the room for every value as header | iv | tag | ciphertext, end to end, sharing
//     no memory with the inputs
// Every argument is a Buffer or typed array, read without running any JavaScript, so nothing can
// move or resize them while they are read and written. Answers false when OpenSSL fails; what it
// wrote of out is then not to be used.
static napi_value aes256_gcm_seal_each(napi_env env, napi_callback_info info) {
  napi_value args[6];
  Keyed *keyed = keyed_call(env, info, 6, args, KIND_GCM,
                            "aes256GcmSealEach takes a keyed cipher from aes256GcmKey, header, ivs, plaintexts, "
                            "lengths and out");
  if (keyed == NULL) return NULL;
  unsigned char *header, *ivs, *plaintexts, *out;
  size_t header_length, ivs_length, plaintexts_length, out_length;
  if (!buffer_of(env, args[1], &header, &header_length) || !buffer_of(env, args[2], &ivs, &ivs_length) ||
      !buffer_of(env, args[3], &plaintexts, &plaintexts_length) || !buffer_of(env, args[5], &out, &out_length)) {
    return throw_type_error(env, "aes256GcmSealEach takes Buffers");
  }
  bool is_typed_array = false;
  napi_typedarray_type lengths_type;
  size_t count = 0;
  void *lengths_data = NULL;
  if (napi_is_typedarray(env, args[4], &is_typed_array) != napi_ok || !is_typed_array ||
      napi_get_typedarray_info(env, args[4], &lengths_type, &count, &lengths_data, NULL, NULL) != napi_ok ||
      lengths_type != napi_uint32_array) {
    return throw_type_error(env, "aes256GcmSealEach takes the lengths as a Uint32Array");
  }
  const uint32_t *lengths = lengths_data;
  if (ivs_length / IV_BYTES != count || ivs_length % IV_BYTES != 0) {
    return throw_type_error(env, "aes256GcmSealEach: 12 bytes of iv a value");
  }
  if (header_length > (size_t)INT32_MAX) return throw_type_error(env, "aes256GcmSealEach: header too long");
  if (overlaps(out, out_length, header, header_length) || overlaps(out, out_length, ivs, ivs_length) ||
      overlaps(out, out_length, plaintexts, plaintexts_length)) {
    return throw_type_error(env, "aes256GcmSealEach: out shares memory with an input");
  }
  // The lengths must add up to the plaintexts, and the sealed values to out, before anything is
  // written; each sum is checked against the buffer it must fit, so neither can wrap around.
  size_t plain_total = 0, sealed_total = 0;
  const size_t overhead = header_length + IV_BYTES + TAG_BYTES;
  for (size_t i = 0; i < count; i++) {
    if (lengths[i] > INT32_MAX || lengths[i] > plaintexts_length - plain_total ||
        overhead + lengths[i] > out_length - sealed_total) {
      return throw_type_error(env, "aes256GcmSealEach: the lengths do not fit the plaintexts and out");
    }
    plain_total += lengths[i];
    sealed_total += overhead + lengths[i];
  }
  if (plain_total != plaintexts_length || sealed_total != out_length) {
    return throw_type_error(env, "aes256GcmSealEach: the lengths do not fit the plaintexts and out");
  }

  EVP_CIPHER_CTX *gcm = keyed->gcm;
  size_t in_at = 0, out_at = 0;
  int ok = 1;
  ERR_set_mark();
  for (size_t i = 0; ok && i < count; i++) {
    const size_t length = lengths[i];
    const unsigned char *plaintext = plaintexts + in_at;
    const unsigned char *iv = ivs + i * IV_BYTES;
    unsigned char *sealed = out + out_at;
    unsigned char *tag = sealed + header_length + IV_BYTES;
    unsigned char *ciphertext = tag + TAG_BYTES;
    memcpy(sealed, header, header_length);
    memcpy(sealed + header_length, iv, IV_BYTES);
    int written = 0, final_written = 0, aad_written = 0;
    // With only an IV given, the context starts a new message under the key it already holds.
    ok = EVP_EncryptInit_ex(gcm, NULL, NULL, NULL, iv) == 1 &&
         (header_length == 0 || EVP_EncryptUpdate(gcm, NULL, &aad_written, header, (int)header_length) == 1) &&
         EVP_EncryptUpdate(gcm, ciphertext, &written, plaintext, (int)length) == 1 && (size_t)written == length &&
         EVP_EncryptFinal_ex(gcm, ciphertext + written, &final_written) == 1 && final_written == 0 &&
         EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, tag) == 1;
    in_at += length;
    out_at += overhead + length;
  }
  ERR_pop_to_mark();
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

static int export_function(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok &&
         napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
  if (!export_function(env, exports, "hmacSha256Key", hmac_sha256_key) ||
      !export_function(env, exports, "hmacSha256", hmac_sha256) ||
      !export_function(env, exports, "aes256GcmKey", aes256_gcm_key) ||
      !export_function(env, exports, "aes256GcmSealEach", aes256_gcm_seal_each) ||
      !export_function(env, exports, "aes256GcmOpenKey", aes256_gcm_open_key) ||
      !export_function(env, exports, "aes256GcmOpen", aes256_gcm_open)) {
    napi_throw_error(env, NULL, "keyed-crypto: could not export its functions");
    return NULL;
  }
  return exports;
}
