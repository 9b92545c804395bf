import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * nhsuk-frontend's compiled CSS loads the Frutiger web font from assets.nhs.uk and its icons from
 * `/assets/images/…` on the site root. The Content-Security-Policy allows nothing off-origin, and
 * the server does not serve `/assets/images`, so before Vite processes that stylesheet we drop the
 * remote @font-face rules (the Arial fallback stack applies) and point the icon URLs at the files
 * inside the package, which Vite then bundles into dist/web/assets.
 */
function nhsukSameOriginAssets(): Plugin {
  return {
    name: 'confide:nhsuk-same-origin-assets',
    enforce: 'pre',
    transform(code, id) {
      if (!/nhsuk-frontend[\\/]dist[\\/]nhsuk[\\/][^\\/]+\.css(\?.*)?$/.test(id)) return null;
      const withoutRemoteFonts = withoutIeOnlyMedia(code).replace(/@font-face\s*{[^}]*https?:\/\/[^}]*}/g, '');
      const localIcons = withoutRemoteFonts.replace(/url\((["']?)\/assets\/images\//g, 'url($1./assets/images/');
      if (/url\((["']?)https?:/.test(localIcons)) {
        this.error('nhsuk-frontend CSS still references an off-origin URL; update the rewrite in vite.config.ts.');
      }
      return { code: localIcons, map: null };
    },
  };
}

/**
 * Removes `@media screen\0 …{…}` blocks: an Internet Explorer-only hack that no supported browser
 * applies and that Lightning CSS (Vite's CSS minifier) cannot parse.
 */
function withoutIeOnlyMedia(css: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = css.indexOf('@media screen\\0', from);
    if (start === -1) return out + css.slice(from);
    out += css.slice(from, start);
    let i = css.indexOf('{', start);
    let depth = 0;
    for (; i < css.length; i++) {
      if (css[i] === '{') depth++;
      else if (css[i] === '}' && --depth === 0) break;
    }
    from = i + 1;
  }
}

export default defineConfig({
  root: 'web',
  publicDir: 'public',
  plugins: [nhsukSameOriginAssets(), react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // Small icons would otherwise be inlined as data: URLs; img-src allows data:, but files keep the CSS readable.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: {
      // The API and its WebSockets (/api/public/conversation/live, /api/staff/live). The Host and
      // Origin headers are left as the browser sent them so same-origin checks see one origin.
      '/api': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    strictPort: true,
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
