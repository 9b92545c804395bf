// `npm start`: build the web app on first run, then start Confide on the embedded database
// with demo data. Production deployments run `confide start` with their own configuration.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('dist/web/index.html')) {
  const built = spawnSync('npx', ['vite', 'build'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const server = spawnSync('npx', ['tsx', 'src/main.ts', 'start', '--demo', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(server.status ?? 1);
