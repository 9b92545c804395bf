import MarkdownIt, { type Token } from 'markdown-it';

/**
 * Parsed as the server's content check parses it (src/outbound/content/markdownRules.ts: the
 * default preset, nesting capped at 20), so what a patient sees is what was checked at sending.
 * Raw HTML stays text, and bare URLs stay text rather than becoming links nobody vetted. The
 * nesting cap also bounds how deep the renderer below recurses.
 */
const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false, maxNesting: 20 });

export function parseMessage(content: string): Token[] {
  return md.parse(content, {});
}

export type { Token };
