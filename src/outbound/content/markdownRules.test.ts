import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMessageMarkdown, MAX_CONTENT_LENGTH } from './markdownRules.js';

const ALLOWED = ['www.nhs.uk', 'beechtree.example.org'];
const NHS_APP_TAG = /<(.|\n)*?>/;
const TOO_DEEP = 'Markdown is nested too deeply';

const problemsOf = (content: string, allowed: readonly string[] = ALLOWED) =>
  checkMessageMarkdown(content, allowed).map((p) => p.diagnostics);

/** Bodies built from pieces that make links, tags and nesting likely, to reach the parser's corners. */
const markdownish = (maxPieces: number) =>
  fc
    .array(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constantFrom(
            ...['[', ']', '(', ')', '![', '](', ']:', ':', '/', '//', 'www.', 'WwW.', 'http', 'https', 'HTTPS'],
            ...['mailto', 'mailto:', '@', 'x@evil.example', 'evil.example', 'www.nhs.uk', '.', ' ', '\n', '\n\n'],
            ...['\r', '*', '**', '_', '\\', '<', '>', '> ', '#', '## ', '- ', '1. ', '`', '```', '&#93;', '&#58;'],
            ...['&amp;', '"', "'", '|', '~~', 'x', '[x]', '(x)', '    ', '\t', 'javascript', 'data', 'user:pw@'],
            ...['%5C', 'ä', '\u{1F600}', '\u2028'],
          ),
        },
        { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
      ),
      { maxLength: maxPieces },
    )
    .map((pieces) => pieces.join(''));

describe('checkMessageMarkdown', () => {
  it('accepts plain text and the whole supported subset', () => {
    expect(problemsOf('Your appointment is on Monday at 10:30. Reply STOP to opt out.')).toEqual([]);
    const subset = [
      '## Your appointment',
      '### Before you come',
      'Please bring **your medicines** and  ',
      'a list of questions.',
      '- one',
      '- two',
      '',
      '1. first',
      '2. second',
      '',
      'Read [how to prepare](https://www.nhs.uk/conditions/blood-tests/) or',
      '[book online](https://beechtree.example.org/book "Beech Tree bookings").',
      '',
      '![Beech Tree Surgery](https://beechtree.example.org/logo.png)',
    ].join('\n');
    expect(problemsOf(subset)).toEqual([]);
  });

  it('accepts https links, titled links and images to allowed domains', () => {
    expect(problemsOf('[NHS](https://www.nhs.uk/)')).toEqual([]);
    expect(problemsOf('[NHS](https://www.nhs.uk/ "The NHS website")')).toEqual([]);
    expect(problemsOf('![map](https://beechtree.example.org/map.png)')).toEqual([]);
    expect(problemsOf('Visit https://www.nhs.uk/111 today')).toEqual([]);
    expect(problemsOf('[a][nhs]\n\n[nhs]: https://www.nhs.uk/')).toEqual([]);
  });

  it('refuses an empty or blank body', () => {
    expect(problemsOf('')).toEqual(['Not specified']);
    expect(problemsOf(' \n\t ')).toEqual(['Not specified']);
  });

  it('allows 5,000 UTF-16 code units and no more', () => {
    expect(problemsOf('a'.repeat(MAX_CONTENT_LENGTH))).toEqual([]);
    expect(problemsOf('a'.repeat(MAX_CONTENT_LENGTH + 1))).toEqual(['Exceeds maximum length']);
    // An emoji is two code units, as the NHS App counts them.
    expect(problemsOf('\u{1F600}'.repeat(2500))).toEqual([]);
    expect(problemsOf(`a${'\u{1F600}'.repeat(2500)}`)).toEqual(['Exceeds maximum length']);
  });

  it('refuses an oversized body without reading it', () => {
    const huge = `[x](javascript:alert(1)) <b>${'a'.repeat(20_000_000)}`;
    const start = performance.now();
    for (let i = 0; i < 1000; i++) expect(problemsOf(huge)).toEqual(['Exceeds maximum length']);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('refuses anything the NHS App takes for an HTML tag', () => {
    expect(problemsOf('Hello <b>there</b>')).toEqual(['HTML is not allowed']);
    expect(problemsOf('<https://www.nhs.uk>')).toEqual(['HTML is not allowed']);
    expect(problemsOf('a <\nb> c')).toEqual(['HTML is not allowed']);
    // JavaScript's `.` skips \r where the NHS App's does not.
    expect(problemsOf('a <\r> c')).toEqual(['HTML is not allowed']);
    // An autolink to a bad domain is reported as both.
    expect(problemsOf('<https://evil.example>')).toEqual([
      'HTML is not allowed',
      'Link to a domain that is not allowed: evil.example',
    ]);
    // An email autolink has nothing else that marks it as a link.
    expect(problemsOf('<x@evil.example>')).toEqual([
      'HTML is not allowed',
      'Links must use https: mailto:x@evil.example',
    ]);
    // A lone `<` is no tag.
    expect(problemsOf('Call us if your pain score is < 5 out of 10')).toEqual([]);
  });

  it.each([
    ['http link', '[x](http://www.nhs.uk/x)', 'Links must use https: http://www.nhs.uk/x'],
    ['javascript: link', '[x](javascript:alert(1))', 'Links must use https: javascript:alert(1)'],
    ['data: image', '![x](data:image/png;base64,AAAA)', 'Links must use https: data:image/png;base64,AAAA'],
    ['data: link', '[x](data:text/html;base64,AAAA)', 'Links must use https: data:text/html;base64,AAAA'],
    ['relative link', '[x](/inbox)', 'Links must use https: /inbox'],
    ['fragment link', '[x](#top)', 'Links must use https: #top'],
    ['empty link', '[x]()', 'Links must use https: (empty)'],
    ['mailto link', '[x](mailto:a@nhs.net)', 'Links must use https: mailto:a@nhs.net'],
    ['bare mailto', 'write to mailto:a@nhs.net', 'Links must use https: mailto:a@nhs.net'],
    ['protocol-relative text', 'see //evil.example/x', 'Links must use https: //evil.example/x'],
    ['link to another domain', '[x](https://evil.example/x)', 'Link to a domain that is not allowed: evil.example'],
    [
      'reference-style link',
      '[x][r]\n\n[r]: https://evil.example/',
      'Link to a domain that is not allowed: evil.example',
    ],
    ['unused definition', 'Hi\n\n[r]: javascript:alert(1)', 'Links must use https: javascript:alert(1)'],
    [
      'image to another domain',
      '![x](https://evil.example/i.png)',
      'Link to a domain that is not allowed: evil.example',
    ],
    ['bare https URL', 'Go to https://evil.example now', 'Link to a domain that is not allowed: evil.example'],
    ['bare www text', 'Go to www.evil.example now', 'Links must use https: http://www.evil.example'],
    ['bare www text, allowed host', 'Go to www.nhs.uk now', 'Links must use https: http://www.nhs.uk'],
    [
      'lookalike host',
      '[x](https://www.nhs.uk.evil.example/)',
      'Link to a domain that is not allowed: www.nhs.uk.evil.example',
    ],
    ['lookalike www text', 'www.nhs.uk.evil.example', 'Links must use https: http://www.nhs.uk.evil.example'],
    ['suffix of an allowed host', '[x](https://nhs.uk/)', 'Link to a domain that is not allowed: nhs.uk'],
    ['trailing dot', '[x](https://www.nhs.uk./)', 'Link to a domain that is not allowed: www.nhs.uk.'],
    ['IP address', '[x](https://127.0.0.1/)', 'Link to a domain that is not allowed: 127.0.0.1'],
  ])('refuses a %s', (_name, content, problem) => {
    expect(problemsOf(content)).toEqual([problem]);
  });

  it('compares hosts after URL parsing, so case and IDNA spelling do not matter', () => {
    expect(problemsOf('HTTPS://WWW.NHS.UK/x')).toEqual([]);
    expect(problemsOf('[x](HTTPS://WWW.NHS.UK/x)')).toEqual([]);
    expect(problemsOf('[x](https://bücher.example/)', ['xn--bcher-kva.example'])).toEqual([]);
    expect(problemsOf('[x](https://bücher.example/)', ['bücher.example'])).toEqual([
      'Link to a domain that is not allowed: xn--bcher-kva.example',
    ]);
    // Not valid punycode: no host at all, so refused even when the same text is on the list.
    expect(problemsOf('[x](https://xn--a.a/path)', ['xn--a.a'])).toHaveLength(1);
  });

  it('refuses a username or password without repeating it', () => {
    expect(problemsOf('[x](https://user:secret@www.nhs.uk/)')).toEqual([
      'Links must not include a username or password: www.nhs.uk',
    ]);
    expect(problemsOf('https://user:secret@www.nhs.uk/')).toEqual([
      'Links must not include a username or password: www.nhs.uk',
    ]);
    // Linkify must take the whole URL, not stop at the allowed-looking start.
    expect(problemsOf('https://www.nhs.uk:x@evil.example/')).toEqual([
      'Links must not include a username or password: evil.example',
    ]);
  });

  it('judges a link as markdown-it would render it too', () => {
    // The escaped `@` makes the host evil.example however the backslash is read.
    expect(problemsOf('[x](https://www.nhs.uk\\@evil.example/)')).toEqual([
      'Links must not include a username or password: evil.example',
    ]);
    // A browser reads the written form as www.nhs.uk, markdown-it's rendering as another host.
    expect(problemsOf('[x](https://ｗｗｗ.nhs.uk/)')).toEqual(['Links must use https: https://ｗｗｗ.nhs.uk/']);
  });

  it('reports each distinct problem once', () => {
    const content =
      '[a](https://evil.example/1) [b](https://evil.example/2) [c](http://x.example) [d](http://x.example)';
    expect(problemsOf(content)).toEqual([
      'Link to a domain that is not allowed: evil.example',
      'Links must use https: http://x.example',
    ]);
  });

  it('keeps the URL in a diagnostic short', () => {
    const [problem] = problemsOf(`[x](http://www.nhs.uk/${'a'.repeat(300)})`);
    expect(problem).toMatch(/^Links must use https: http:\/\/www\.nhs\.uk\/a+…$/);
    expect(problem!.length - 'Links must use https: '.length).toBe(100);
    // A cut never splits a surrogate pair.
    const [emoji] = problemsOf(`[x](http://www.nhs.uk/${'\u{1F600}'.repeat(100)})`);
    expect(() => encodeURIComponent(emoji!)).not.toThrow();
  });

  it('refuses nesting deep enough for markdown-it to stop looking for links', () => {
    expect(problemsOf(`${'>'.repeat(150)} [x](https://evil.example)`)).toEqual([TOO_DEEP]);
    const images = `${'!['.repeat(60)}x${'](https://www.nhs.uk/i.png)'.repeat(59)}](javascript:alert(1))`;
    expect(problemsOf(images)).toContain(TOO_DEEP);
    // Lists three deep are nowhere near the limit.
    expect(problemsOf('- a\n  - b\n    - c [x](https://www.nhs.uk/)')).toEqual([]);
  });

  it('never throws and always returns problems with diagnostics', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300, unit: 'binary' }), markdownish(80)), (content) => {
        const problems = checkMessageMarkdown(content, ALLOWED);
        expect(Array.isArray(problems)).toBe(true);
        for (const p of problems) expect(typeof p.diagnostics).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts anything the NHS App would take for a tag', () => {
    fc.assert(
      fc.property(markdownish(20), (content) => {
        fc.pre(checkMessageMarkdown(content, ALLOWED).length === 0);
        // As the NHS App reads it: its `.` also matches the line ends that JavaScript's skips.
        expect(NHS_APP_TAG.test(content.replace(/[\r\u2028\u2029]/g, '\n'))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('skips the parse only where the parse would find no link', () => {
    // A definition after a blank line always forces the parse and leaves the body's own parse alone
    // (at worst it lands in an unclosed code fence), so the two results must agree.
    const inert = '\n\n[inert-label-7f3a]: https://www.nhs.uk/';
    fc.assert(
      fc.property(markdownish(10), (content) => {
        fc.pre(/\S/.test(content));
        // Compared by kind: the URL quoted in a problem may end differently once the definition
        // follows it (a trailing backslash then escapes the newline), which is not what this checks.
        const kinds = (problems: string[]) => problems.filter((p) => p !== TOO_DEEP).map((p) => p.split(':')[0]);
        const direct = problemsOf(content);
        // Nesting only matters where a link could hide, and the body alone has none to hide.
        expect(kinds(direct)).toEqual(kinds(problemsOf(content + inert)));
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts an https link exactly when its host is allowed', () => {
    // Letters first: a name ending in a numeric label is an IPv4 address, or no host at all.
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
    const host = fc.oneof(
      fc.constantFrom(...ALLOWED, 'nhs.uk', 'www.nhs.uk.evil.example', 'evil.example'),
      fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
    );
    fc.assert(
      fc.property(host, fc.boolean(), (h, upper) => {
        const written = upper ? h.toUpperCase() : h;
        const problems = problemsOf(`[x](https://${written}/path)`);
        // A host the URL parser refuses (an `xn--` label that is not valid punycode) is no host.
        const hostname = URL.canParse(`https://${h}`) ? new URL(`https://${h}`).hostname : null;
        expect(problems.length === 0).toBe(hostname !== null && ALLOWED.includes(hostname));
      }),
      { numRuns: 1000 },
    );
  });
});
