// Run by `npm ci` and `npm install` (postinstall): compiles the native addons under native/ with
// npm's own node-gyp against the running Node.js. They are optional: on a machine that cannot
// compile them (no C compiler or no Node.js headers) the install still succeeds, and Confide does
// the same work through node:crypto, more slowly (see native/README.md).
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const ADDONS = ['p256-ecdh'];
const nodeGyp = process.env.npm_config_node_gyp;

for (const name of ADDONS) {
  const dir = fileURLToPath(new URL(`../native/${name}/`, import.meta.url));
  if (!existsSync(`${dir}binding.gyp`)) continue;
  const built = nodeGyp
    ? spawnSync(process.execPath, [nodeGyp, 'rebuild'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
    : { status: null, stderr: Buffer.from('npm did not say where its node-gyp is (run this through npm)') };
  if (built.status === 0) {
    console.log(`native/${name}: built`);
  } else {
    const why = String(built.stderr ?? '')
      .trim()
      .split('\n')
      .slice(-3)
      .join('\n');
    console.warn(`native/${name}: not built, so node:crypto does its work instead (slower)\n${why}`);
  }
}
