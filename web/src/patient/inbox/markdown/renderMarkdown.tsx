import { Fragment, type ReactNode } from 'react';
import { parseMessage, type Token } from './parser.js';
import { allowedUrl } from './safeUrl.js';

/**
 * Markdown from a sending system, as React elements. Nothing from the message becomes markup:
 * each token maps to an element chosen here, with no attribute copied from the token except a
 * link's href or an image's src and alt, and those only when they are https to one of
 * `linkDomains`. Whatever is not understood is shown as its text. There is no HTML string
 * anywhere, so nothing can be injected.
 */
export function renderMarkdown(content: string, linkDomains: readonly string[]): ReactNode[] {
  return renderTokens(parseMessage(content), linkDomains);
}

type Frame = { open: Token | null; children: ReactNode[] };

/** markdown-it's stream is flat: `_open` and `_close` tokens bracket their contents. */
function renderTokens(tokens: readonly Token[], linkDomains: readonly string[]): ReactNode[] {
  const stack: Frame[] = [{ open: null, children: [] }];
  for (const token of tokens) {
    const top = stack[stack.length - 1]!;
    if (token.nesting === 1) {
      stack.push({ open: token, children: [] });
    } else if (token.nesting === -1 && stack.length > 1) {
      const frame = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      parent.children.push(container(frame.open!, frame.children, parent.children.length, linkDomains));
    } else if (token.nesting === 0) {
      top.children.push(leaf(token, top.children.length, linkDomains));
    }
  }
  // A stream always closes what it opens; if one did not, its contents are still shown.
  while (stack.length > 1) {
    const frame = stack.pop()!;
    stack[stack.length - 1]!.children.push(...frame.children);
  }
  return stack[0]!.children;
}

function container(open: Token, children: ReactNode[], key: number, linkDomains: readonly string[]): ReactNode {
  switch (open.type) {
    case 'heading_open':
      // The page's own h1 is the sender; the message's headings sit below it.
      return open.tag === 'h1' || open.tag === 'h2' ? (
        <h2 key={key} className="nhsuk-heading-m">
          {children}
        </h2>
      ) : (
        <h3 key={key} className="nhsuk-heading-s">
          {children}
        </h3>
      );
    case 'paragraph_open':
      // Items of a tight list carry hidden paragraphs: their text goes straight into the <li>.
      return open.hidden ? <Fragment key={key}>{children}</Fragment> : <p key={key}>{children}</p>;
    case 'bullet_list_open':
      return (
        <ul key={key} className="nhsuk-list nhsuk-list--bullet">
          {children}
        </ul>
      );
    case 'ordered_list_open':
      return (
        <ol key={key} className="nhsuk-list nhsuk-list--number" start={listStart(open)}>
          {children}
        </ol>
      );
    case 'list_item_open':
      return <li key={key}>{children}</li>;
    case 'blockquote_open':
      return (
        <blockquote key={key} className="nhsuk-inset-text">
          {children}
        </blockquote>
      );
    case 'strong_open':
      return <strong key={key}>{children}</strong>;
    case 'em_open':
      return <em key={key}>{children}</em>;
    case 's_open':
      return <s key={key}>{children}</s>;
    case 'link_open':
      return link(open, children, key, linkDomains);
    case 'table_open':
      return (
        <table key={key} className="nhsuk-table">
          {children}
        </table>
      );
    case 'thead_open':
      return <thead key={key}>{children}</thead>;
    case 'tbody_open':
      return <tbody key={key}>{children}</tbody>;
    case 'tr_open':
      return <tr key={key}>{children}</tr>;
    case 'th_open':
      return (
        <th key={key} scope="col">
          {children}
        </th>
      );
    case 'td_open':
      return <td key={key}>{children}</td>;
    default:
      return <Fragment key={key}>{children}</Fragment>;
  }
}

function leaf(token: Token, key: number, linkDomains: readonly string[]): ReactNode {
  switch (token.type) {
    case 'inline':
      return <Fragment key={key}>{renderTokens(token.children ?? [], linkDomains)}</Fragment>;
    case 'text':
      return token.content;
    case 'softbreak':
      return '\n';
    case 'hardbreak':
      return <br key={key} />;
    case 'code_inline':
      return <code key={key}>{token.content}</code>;
    case 'code_block':
    case 'fence':
      return (
        <pre key={key} className="app-message-body__code">
          <code>{token.content}</code>
        </pre>
      );
    case 'hr':
      return <hr key={key} className="nhsuk-section-break nhsuk-section-break--m nhsuk-section-break--visible" />;
    case 'image':
      return image(token, key, linkDomains);
    default:
      // Raw HTML cannot be parsed as such (html: false), but anything else unknown is its text.
      return token.content;
  }
}

/** A link only to an allowed https host; otherwise its words alone, so nothing can be run or sent elsewhere. */
function link(open: Token, children: ReactNode[], key: number, linkDomains: readonly string[]): ReactNode {
  const href = allowedUrl(open.attrGet('href'), linkDomains);
  if (!href) return <Fragment key={key}>{children}</Fragment>;
  return (
    <a key={key} href={href} rel="noopener noreferrer">
      {children}
    </a>
  );
}

/**
 * An image is shown as a link to it, never loaded by itself: an image fetched on opening would tell
 * its server that, and when, this person read the message (a tracking pixel), and the page's
 * content security policy allows images from this site only. Not https to an allowed host: the
 * description as text.
 */
function image(token: Token, key: number, linkDomains: readonly string[]): ReactNode {
  const alt = altText(token.children ?? []);
  const src = allowedUrl(token.attrGet('src'), linkDomains);
  if (!src) return alt;
  return (
    <a key={key} href={src} rel="noopener noreferrer" className="app-message-body__image-link">
      Image: {alt || 'no description'}
    </a>
  );
}

function altText(tokens: readonly Token[]): string {
  return tokens.map((t) => (t.type === 'image' ? altText(t.children ?? []) : t.content)).join('');
}

/** markdown-it sets `start` only when a list does not begin at 1. */
function listStart(open: Token): number | undefined {
  const start = open.attrGet('start');
  return typeof start === 'number' || (typeof start === 'string' && /^\d+$/.test(start)) ? Number(start) : undefined;
}
