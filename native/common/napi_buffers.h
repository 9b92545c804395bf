// What every addon here needs of Node-API: a TypeError thrown for a bad argument, a Buffer
// argument's bytes, and whether an output overlaps an input. Included by each addon's source
// (include_dirs in its binding.gyp).
#ifndef CONFIDE_NAPI_BUFFERS_H
#define CONFIDE_NAPI_BUFFERS_H

#include <node_api.h>
#include <stddef.h>

static inline napi_value throw_type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

// Whether value is a Buffer; if so, its bytes and length.
static inline int buffer_of(napi_env env, napi_value value, unsigned char **data, size_t *length) {
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return 0;
  return napi_get_buffer_info(env, value, (void **)data, length) == napi_ok;
}

// Whether two byte ranges share any memory (an empty range shares none).
static inline int overlaps(const unsigned char *a, size_t a_length, const unsigned char *b, size_t b_length) {
  return a_length > 0 && b_length > 0 && a < b + b_length && b < a + a_length;
}

#endif
