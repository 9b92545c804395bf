import { parseMessage, type Token } from './parser.js';

function inlineText(tokens: readonly Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.type === 'softbreak' || t.type === 'hardbreak') out += ' ';
    else if (t.type === 'image') out += inlineText(t.children ?? []);
    else out += t.content;
  }
  return out;
}

/** The words of a markdown message with its markup removed, e.g. for a one-line preview. */
export function markdownText(content: string): string {
  return parseMessage(content)
    .filter((t) => t.type === 'inline' || t.type === 'code_block' || t.type === 'fence')
    .map((t) => (t.type === 'inline' ? inlineText(t.children ?? []) : t.content))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** At most `max` characters, cut at a word where possible. */
export function preview(content: string, max = 120): string {
  const text = markdownText(content);
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
