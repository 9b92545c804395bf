// Run by `npm ci` and `npm install` (postinstall): compiles the native addons under native/ with
// npm's own node-gyp against the running Node.js. They are optional: on a machine that cannot
// compile them (no C compiler, or no Node.js headers) the install still succeeds, and Confide
// does the same work through node:crypto, more slowly (see native/README.md).
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const ADDONS = ['p256-ecdh', 'keyed-crypto'];
/** A compile takes seconds; past this something is stuck (a header download, say). */
const TIMEOUT_MS = 120_000;
const nodeGyp = process.env.npm_config_node_gyp;
// Node.js installed from a package keeps its headers beside it (<prefix>/include/node): given
// them, node-gyp need not download them, which an offline machine cannot.
const prefix = dirname(dirname(process.execPath));
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];

for (const name of ADDONS) {
  const dir = fileURLToPath(new URL(`../native/${name}/`, import.meta.url));
  if (!existsSync(`${dir}binding.gyp`)) continue;
  const built = nodeGyp
    ? spawnSync(process.execPath, [nodeGyp, 'rebuild', ...nodedir], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: TIMEOUT_MS,
      })
    : { status: null, stderr: Buffer.from('npm did not say where its node-gyp is (run this through npm)') };
  if (built.status === 0) {
    console.log(`native/${name}: built`);
  } else {
    // node-gyp's last lines are always the same; the cause is in its error lines.
    const lines = String(built.stderr ?? '').split('\n');
    const why = lines.filter((l) => /error|ERR! stack|not found/i.test(l)).slice(0, 8);
    if (built.error) why.unshift(built.error.message);
    console.warn(`native/${name}: not built, so node:crypto does its work instead (slower)\n${why.join('\n')}`);
  }
}
