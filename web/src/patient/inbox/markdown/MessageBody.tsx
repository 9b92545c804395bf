import { useMemo } from 'react';
import { renderMarkdown } from './renderMarkdown.js';

/** A message's markdown, shown safely (see renderMarkdown). */
export function MessageBody({ content }: { content: string }) {
  const body = useMemo(() => renderMarkdown(content), [content]);
  return <div className="app-message-body">{body}</div>;
}
