import { useMemo } from 'react';
import { renderMarkdown } from './renderMarkdown.js';

/** A message's markdown, shown safely (see renderMarkdown). */
export function MessageBody({ content, linkDomains }: { content: string; linkDomains: readonly string[] }) {
  const body = useMemo(() => renderMarkdown(content, linkDomains), [content, linkDomains]);
  return <div className="app-message-body">{body}</div>;
}
