{
  "targets": [
    {
      "target_name": "keyed_crypto",
      "sources": ["src/keyed_crypto.c"],
      "include_dirs": ["../common"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      # HMAC_CTX is deprecated in OpenSSL 3 but not going: it is the direct way to reuse a keyed HMAC.
      "defines": ["NAPI_VERSION=8", "OPENSSL_SUPPRESS_DEPRECATED"],
      # Every OpenSSL symbol is looked up when the addon loads, not at its first call: a Node.js
      # without one then fails the load (and node:crypto takes over) rather than end the process.
      "ldflags": ["-Wl,-z,now"]
    }
  ]
}
