import MarkdownIt from 'markdown-it';
import { sanitize } from './sanitize';

// Raw HTML in a post stays text (html: false); the result still passes the sanitiser, which
// drops javascript: links and event handlers whatever markdown produced.
const md = new MarkdownIt({ html: false, linkify: true, breaks: true });

export function renderMarkdown(text: string): string {
  const html = sanitize(md.render(text));
  return html.replace(/<a ([^>]*?)rel="[^"]*"/g, '<a $1rel="nofollow ugc noopener"');
}
