{
  "targets": [
    {
      "target_name": "p256_ecdh",
      "sources": ["src/p256_ecdh.c"],
      "include_dirs": ["../common"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      # The EC_KEY calls are deprecated in OpenSSL 3 but not going: they are the direct way to one ECDH.
      "defines": ["NAPI_VERSION=8", "OPENSSL_SUPPRESS_DEPRECATED"],
      # Every OpenSSL symbol is looked up when the addon loads, not at its first call: a Node.js
      # without one then fails the load (and node:crypto takes over) rather than end the process.
      "ldflags": ["-Wl,-z,now"]
    }
  ]
}
