/**
 * The markdown body (`payload[0].contentString`) of an NHS App in-app message. The NHS App API
 * allows 5,000 characters "including any markdown characters and embedded hyperlinks", refuses
 * anything matching `<(.|\n)*?>`, and shows a small subset of markdown. Every link and image must
 * be an https URL on one of the sending client's allowed domains, so a message cannot send a
 * patient to a site the client has not registered.
 */
import MarkdownIt, { type Env, type Token } from 'markdown-it';

export type ContentProblem = { diagnostics: string };

export const MAX_CONTENT_LENGTH = 5000;

/**
 * Deep enough for lists within lists. markdown-it stops parsing at this depth (see below), and a
 * higher limit lets nested brackets cost hundreds of milliseconds for 5,000 characters.
 */
const MAX_NESTING = 20;
const MAX_SHOWN_LENGTH = 100;
const NESTING_LIMIT_REACHED = Symbol('nestingLimitReached');

/**
 * Every construct that can carry a destination needs one of these: `](` an inline link or image,
 * `]:` a reference definition (without one, reference-style links stay text), `//` every linkify
 * scheme but mailto, `mailto:` and `www.`. Autolinks need `<…>`, which is looked for separately.
 * Case-insensitive because linkify's schemes are.
 */
const MIGHT_LINK = /\]\(|\]:|\/\/|mailto:|www\./i;

const md = new MarkdownIt('default', { html: false, linkify: true, maxNesting: MAX_NESTING });
// Bare `example.com` and `a@b.com` would refuse too much ordinary text, so only text with a
// scheme or `www.` counts as a link. linkify's other schemes (ftp:, mailto:, //) stay, so that such
// text is refused rather than overlooked. Credentials are matched as part of the URL so that
// `https://www.nhs.uk:x@evil.example` is judged whole rather than as its allowed-looking start.
md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false, urlAuth: true });
// linkify-it only knows `www.` through fuzzy links, whose TLD list misses most domains; as its own
// scheme any `www.` host counts. The http: prefix is what GFM gives such links.
md.linkify.add('www.', {
  validate: (text, pos, self) => {
    const re = self.re.get_relative_proto_validator();
    re.lastIndex = pos;
    return re.exec(text)?.[0].length ?? 0;
  },
  normalize: (match) => {
    match.url = `http://${match.url}`;
  },
});
// markdown-it turns javascript:/data: links into plain text and rewrites the rest; see every
// destination as written and judge it here, both as written and as markdown-it would render it.
const normalizeAsRendered = md.normalizeLink.bind(md);
md.validateLink = () => true;
md.normalizeLink = (url) => url;
// At maxNesting markdown-it silently stops: the rest of a block is dropped, and a lookahead gives
// up so an outer link becomes text. A link there would go unchecked, so note when that happens.
// Block and inline token levels show the other two places (see collectDestinations).
const skipToken = md.inline.skipToken.bind(md.inline);
md.inline.skipToken = (state) => {
  if (state.level >= MAX_NESTING) state.env[NESTING_LIMIT_REACHED] = true;
  skipToken(state);
};

/** Checks an in-app message body; returns the problems found (empty when acceptable). */
export function checkMessageMarkdown(content: string, allowedLinkDomains: readonly string[]): ContentProblem[] {
  // First, so an oversized body is refused without reading it.
  if (content.length > MAX_CONTENT_LENGTH) return [{ diagnostics: 'Exceeds maximum length' }];
  if (!/\S/.test(content)) return [{ diagnostics: 'Not specified' }];
  const problems = new Set<string>();
  const hasTag = containsTag(content);
  if (hasTag) problems.add('HTML is not allowed');
  // Most messages have no link at all: skip the parse, which costs far more than this scan.
  if (hasTag || MIGHT_LINK.test(content)) checkLinks(content, allowedLinkDomains, problems);
  return Array.from(problems, (diagnostics) => ({ diagnostics }));
}

/**
 * `<(.|\n)*?>` read where `.` is anything but `\n` (.NET, for one): any `<` with a `>` after it.
 * JavaScript's `.` also skips `\r`, `\u2028` and `\u2029`, so the regex here would let `<\r>` by.
 */
export function containsTag(content: string): boolean {
  const open = content.indexOf('<');
  return open !== -1 && content.indexOf('>', open + 1) !== -1;
}

function checkLinks(content: string, allowed: readonly string[], problems: Set<string>): void {
  const env: Env = {};
  const destinations = new Set<string>();
  const tooDeep = collectDestinations(md.parse(content, env), destinations);
  // Definitions count even when unused: a renderer that resolves them differently would use them.
  for (const reference of Object.values(env.references ?? {})) destinations.add(reference.href);
  if (tooDeep || env[NESTING_LIMIT_REACHED] === true) problems.add('Markdown is nested too deeply');
  for (const url of destinations) {
    const problem = judgeUrl(url, url, allowed) ?? judgeRendered(url, allowed);
    if (problem !== undefined) problems.add(problem);
  }
}

/** Adds each link and image destination; returns true when a token sits where parsing may have stopped. */
function collectDestinations(tokens: readonly Token[], into: Set<string>): boolean {
  let tooDeep = false;
  for (const token of tokens) {
    if (token.level >= MAX_NESTING - 1) tooDeep = true;
    const url =
      token.type === 'link_open' ? token.attrGet('href') : token.type === 'image' ? token.attrGet('src') : null;
    if (url !== null) into.add(String(url));
    if (token.children && collectDestinations(token.children, into)) tooDeep = true;
  }
  return tooDeep;
}

/** markdown-it percent-encodes a `\` in the host, which moves `https://a\@b` from host a to host b. */
function judgeRendered(url: string, allowed: readonly string[]): string | undefined {
  const rendered = normalizeAsRendered(url);
  return rendered === url ? undefined : judgeUrl(rendered, url, allowed);
}

function judgeUrl(url: string, shown: string, allowed: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `Links must use https: ${shorten(shown)}`;
  }
  if (parsed.protocol !== 'https:') return `Links must use https: ${shorten(shown)}`;
  // The host only: the URL itself would repeat the password in the response and its logs.
  if (parsed.username !== '' || parsed.password !== '') {
    return `Links must not include a username or password: ${shorten(parsed.hostname)}`;
  }
  if (!allowed.includes(parsed.hostname)) return `Link to a domain that is not allowed: ${shorten(parsed.hostname)}`;
  return undefined;
}

function shorten(text: string): string {
  if (text === '') return '(empty)';
  if (text.length <= MAX_SHOWN_LENGTH) return text;
  let end = MAX_SHOWN_LENGTH - 1;
  // Never cut a surrogate pair in half: the diagnostic must stay valid text.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
