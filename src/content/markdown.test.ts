import { renderMarkdown } from './markdown';

describe('web post markdown', () => {
  it('renders formatting and safe links', () => {
    const html = renderMarkdown('**bold** and [docs](https://example.com/x)\n\n- a\n- b');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toMatch(/<a href="https:\/\/example.com\/x" rel="nofollow ugc noopener"[^>]*>docs<\/a>/);
    expect(html).toContain('<li>a</li>');
  });

  it.each([
    ['<script>window.pwned=1</script>', /<script/i],
    ['<img src=x onerror="window.pwned=1">', /<img/i],
    ['[click](javascript:window.pwned=1)', /href="javascript/i],
    ['[click](JaVaScRiPt:alert(1))', /href=/i],
    ['![x](javascript:alert(1))', /<img[^>]*javascript/i],
    ['<a href="javascript:alert(1)">x</a>', /<a /i],
    ['[x](data:text/html;base64,PHNjcmlwdD4=)', /href="data/i],
    ['<iframe src="https://evil.example"></iframe>', /<iframe/i],
    ['[x](https://ok.example "t\\" onmouseover=\\"alert(1))', /<[^>]*onmouseover/i],
  ])('neutralises %s', (input, bad) => {
    expect(renderMarkdown(input)).not.toMatch(bad);
  });

  it('shows raw HTML as text', () => {
    expect(renderMarkdown('<b>hi</b>')).toContain('&lt;b&gt;hi&lt;/b&gt;');
  });
});
