import { htmlToText, markdownToText } from '../../server/domain/convert.js';

describe('htmlToText', () => {
  test('when HTML has paragraphs, breaks and entities, then the text keeps paragraphs and decodes entities', () => {
    const html = '<h1>Talks &amp; truce</h1><p>First   line<br>second line</p><div>“Quoted” &lt;tag&gt; &eacute;</div>';
    expect(htmlToText(html)).toBe('Talks & truce\n\nFirst line\nsecond line\n\n“Quoted” <tag> é');
  });

  test('when HTML is hostile, then no script, style, handler or javascript: URL survives', () => {
    const hostile = `<p onclick="alert(1)">Hello <a href="javascript:alert(2)">link</a></p>
      <script>alert(3)</script><style>body{display:none}</style>
      <img src=x onerror=alert(4)><svg onload=alert(5)><script>alert(6)</script></svg>
      <iframe src="javascript:alert(7)"></iframe><p>World<!-- <script>alert(8)</script> --></p>
      <a href="//evil.example/x">protocol relative</a>`;
    const text = htmlToText(hostile);
    expect(text).toBe('Hello link\n\nWorld\n\nprotocol relative');
    expect(text).not.toMatch(/alert|script|onerror|javascript|display:none|evil/);
  });

  test('when a list is given, then each item is its own line with a dash', () => {
    expect(htmlToText('<ul><li>one</li><li>two</li></ul>')).toBe('- one\n\n- two');
  });
});

describe('markdownToText', () => {
  test('when Markdown has links, emphasis and headings, then only their text is left', () => {
    const md = '# Title\n\nBy [Nauman Sadiq](#), **bold** and *italic*.\n\nSecond para with [a link](https://example.com).';
    expect(markdownToText(md)).toBe('Title\n\nBy Nauman Sadiq, bold and italic.\n\nSecond para with a link.');
  });

  test('when Markdown embeds raw HTML with a script, then the script is gone', () => {
    expect(markdownToText('Text <script>alert(1)</script> <b onmouseover="x()">bold</b>')).toBe('Text bold');
  });
});
