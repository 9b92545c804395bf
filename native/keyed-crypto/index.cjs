'use strict';
// The compiled addon (see ../README.md). Loading throws when it was not built: callers fall back to
// node:crypto.
module.exports = require('./build/Release/keyed_crypto.node');
