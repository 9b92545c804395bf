import fc from 'fast-check';
import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { preview } from './plainText.js';
import { renderMarkdown } from './renderMarkdown.js';

/** The sender in these tests may link to www.nhs.uk only. */
const LINK_DOMAINS = ['www.nhs.uk'];
const html = (content: string, linkDomains: readonly string[] = LINK_DOMAINS) =>
  renderToStaticMarkup(createElement(Fragment, null, ...renderMarkdown(content, linkDomains)));

const ALLOWED_TAGS = new Set(
  ['h2', 'h3', 'p', 'ul', 'ol', 'li', 'strong', 'em', 's', 'a', 'img', 'br', 'code', 'pre', 'hr', 'blockquote'].concat([
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ]),
);
const ALLOWED_ATTRIBUTES = new Set([
  'class',
  'href',
  'rel',
  'src',
  'alt',
  'start',
  'scope',
  'loading',
  'referrerpolicy',
]);

/** Every tag and attribute in the markup, as the browser's tokenizer would find them. */
function tagsOf(markup: string): { tag: string; attributes: [string, string][] }[] {
  return Array.from(markup.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g), (m) => ({
    tag: m[1]!.toLowerCase(),
    attributes: Array.from(m[2]!.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g), (a): [string, string] => [
      a[1]!.toLowerCase(),
      a[2] ?? '',
    ]),
  }));
}

/** Pieces that make links, images, raw HTML and nesting likely. */
const hostile = fc
  .array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom(
          ...['[', ']', '(', ')', '![', '](', ']:', '<', '>', '"', "'", '=', ' ', '\n', '\n\n', '  \n', '*', '**'],
          ...['javascript:', 'JaVaScRiPt:', 'vbscript:', 'data:text/html,', 'http://', 'https://', '//', '#', '- '],
          ...[
            '1. ',
            '## ',
            '> ',
            '`',
            '```',
            '|',
            '---',
            'alert(1)',
            '<script>',
            '</script>',
            '<img src=x ',
            'onerror=',
          ],
          ...['&#106;', '&lt;', '%0a', '\\', 'user:pw@', 'www.nhs.uk', '\u0000', '\t'],
          // Whole constructs too, so links and images (good and bad) are common enough to matter.
          ...['[a](https://www.nhs.uk/x)', '![m](https://www.nhs.uk/i.png)', '](https://www.nhs.uk/', '[r]'],
          ...['\n\n[r]: https://www.nhs.uk/r\n', '[a](javascript:alert(1))', '![m](http://evil.example/i.png)'],
          ...['[a](https://evil.example/x)', '![m](https://evil.example/i.png)', 'https://evil.example/'],
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
    ),
    { maxLength: 40 },
  )
  .map((pieces) => pieces.join(''));

describe('renderMarkdown', () => {
  it('renders the NHS App subset: headings, bold, lists, links, images and line breaks', () => {
    expect(html('# Title\n\n## Section\n\n### Detail')).toBe(
      '<h2 class="nhsuk-heading-m">Title</h2><h2 class="nhsuk-heading-m">Section</h2><h3 class="nhsuk-heading-s">Detail</h3>',
    );
    expect(html('Bring **your medicines** and *notes*.')).toBe(
      '<p>Bring <strong>your medicines</strong> and <em>notes</em>.</p>',
    );
    expect(html('- one\n- two')).toBe('<ul class="nhsuk-list nhsuk-list--bullet"><li>one</li><li>two</li></ul>');
    expect(html('1. one\n2. two')).toBe('<ol class="nhsuk-list nhsuk-list--number"><li>one</li><li>two</li></ol>');
    expect(html('0. zero')).toBe('<ol class="nhsuk-list nhsuk-list--number" start="0"><li>zero</li></ol>');
    expect(html('3. three\n4. four')).toBe(
      '<ol class="nhsuk-list nhsuk-list--number" start="3"><li>three</li><li>four</li></ol>',
    );
    expect(html('[Prepare](https://www.nhs.uk/tests/)')).toBe(
      '<p><a href="https://www.nhs.uk/tests/" rel="noopener noreferrer">Prepare</a></p>',
    );
    expect(html('![Surgery **logo**](https://www.nhs.uk/logo.png)')).toBe(
      '<p><a href="https://www.nhs.uk/logo.png" rel="noopener noreferrer" class="app-message-body__image-link">Image: Surgery logo</a></p>',
    );
    expect(html('Line one  \nline two\nsame paragraph')).toBe('<p>Line one<br/>line two\nsame paragraph</p>');
  });

  it.each([
    ['javascript:', '[click](javascript:alert(1))'],
    ['mixed-case javascript:', '[click](JaVaScRiPt:alert(1))'],
    ['encoded javascript:', '[click](&#106;avascript:alert(1))'],
    ['data:', '[click](data:text/html;base64,PHNjcmlwdD4=)'],
    ['vbscript:', '[click](vbscript:msgbox)'],
    ['http:', '[click](http://www.nhs.uk/)'],
    ['relative', '[click](/inbox)'],
    ['protocol-relative', '[click](//evil.example/)'],
    ['credentials', '[click](https://www.nhs.uk@evil.example/)'],
    ['autolink', '<javascript:alert(1)>'],
    ['reference', '[click][r]\n\n[r]: javascript:alert(1)'],
  ])('shows a %s link as text', (_name, content) => {
    expect(html(content)).not.toMatch(/<a\b/);
  });

  it("links only to the sender's allowed hosts: any other https link or image is its words", () => {
    expect(html('[Book](https://evil.example/book)')).toBe('<p>Book</p>');
    expect(html('[Book](https://nhs.uk/book)')).toBe('<p>Book</p>');
    expect(html('[Book](https://www.nhs.uk.evil.example/book)')).toBe('<p>Book</p>');
    expect(html('![a map](https://evil.example/map.png)')).toBe('<p>a map</p>');
    expect(html('[Book][r]\n\n[r]: https://evil.example/book')).toBe('<p>Book</p>');
    expect(html('[Prepare](https://www.nhs.uk/tests/)', [])).toBe('<p>Prepare</p>');
  });

  it('shows images that are not https as their description', () => {
    expect(html('![a map](http://www.nhs.uk/map.png)')).toBe('<p>a map</p>');
    expect(html('![a map](data:image/png;base64,AAAA)')).not.toContain('<img');
    expect(html('![a map](javascript:alert(1))')).not.toContain('<img');
  });

  it('shows raw HTML as text', () => {
    expect(html('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html('Hi <img src=x onerror="alert(1)"> there')).toBe(
      '<p>Hi &lt;img src=x onerror=&quot;alert(1)&quot;&gt; there</p>',
    );
    expect(html('<a href="javascript:alert(1)">x</a>')).not.toMatch(/<a\b/);
  });

  it('never produces a tag or attribute outside the allowed set, nor a link or image other than https to an allowed host', () => {
    fc.assert(
      fc.property(hostile, (content) => {
        for (const { tag, attributes } of tagsOf(html(content))) {
          expect(ALLOWED_TAGS).toContain(tag);
          for (const [name, value] of attributes) {
            expect(ALLOWED_ATTRIBUTES).toContain(name);
            if (name === 'href' || name === 'src') expect(value).toMatch(/^https:\/\/www\.nhs\.uk\//);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('preview', () => {
  it('is the words without markup, cut at a word', () => {
    expect(preview('## Your appointment\n\nBring **your medicines**.\n\n- [map](https://www.nhs.uk/m)')).toBe(
      'Your appointment Bring your medicines. map',
    );
    expect(preview('one two three four', 12)).toBe('one two…');
    expect(preview('<b>hi</b>')).toBe('<b>hi</b>');
  });
});
