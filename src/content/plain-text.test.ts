import { renderMarkdown } from './markdown';
import { htmlToText, postSnippet } from './plain-text';

describe('plain text of rendered posts', () => {
  it('keeps a literal tag typed in markdown as the reader saw it', () => {
    // Markdown leaves raw HTML as text, so the reader saw "<b>x</b>"; the preview says the same.
    expect(postSnippet({ html: renderMarkdown('Use <b>x</b> here'), text: 'Use <b>x</b> here' })).toBe('Use <b>x</b> here');
  });

  it('drops markdown formatting and keeps the words, with block ends as spaces', () => {
    const html = renderMarkdown('# Title\n\n**Bold** and `code` and [a link](https://x.example)\n\n- one\n- two');
    expect(htmlToText(html)).toBe('Title Bold and code and a link one two');
  });

  it('decodes entities and stays on one line, cut with an ellipsis', () => {
    expect(htmlToText('<p>Fish &amp; chips &lt;3 &#x1F600; &#233;</p><p>next</p>')).toBe('Fish & chips <3 😀 é next');
    expect(postSnippet({ text: 'a'.repeat(300) }, 10)).toBe(`${'a'.repeat(9)}…`);
    expect(postSnippet({ html: '<p> </p>' })).toBeNull();
    expect(postSnippet(undefined)).toBeNull();
  });
});
