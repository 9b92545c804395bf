import { mkdir } from 'node:fs/promises';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expectAccessible, type E2E } from './harness.js';

/** The longest any single wait may take. */
export const WAIT = 10_000;
export const SCREENSHOT_DIR = '/tmp/confide-e2e';

/** Chromium's wording for a blocked load, plus what the init script below reports. */
const CSP_MESSAGE =
  /content[- ]security[- ]policy|csp violation|refused to (load|execute|apply|connect|frame|evaluate)/i;

type Watched = { page: Page; label: string; problems: string[]; console: string[] };

/**
 * One test's browsers: every page it opens is watched for uncaught errors and CSP violations,
 * and is photographed when the test fails.
 */
export class Scenario {
  private readonly watched: Watched[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(
    readonly e2e: E2E,
    readonly name: string,
  ) {}

  /** A new phone-sized context (its own sessionStorage) with one page. */
  async phone(label = 'phone'): Promise<Page> {
    return this.open(await this.e2e.phone(), label);
  }

  /** A new desktop context (its own cookies) with one page. */
  async desktop(label = 'desktop'): Promise<Page> {
    return this.open(await this.e2e.desktop(), label);
  }

  private async open(context: BrowserContext, label: string): Promise<Page> {
    this.contexts.push(context);
    // The CSP event as well as Chromium's console line, so no violation slips by unreported.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
      });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.setDefaultNavigationTimeout(WAIT);
    const w: Watched = { page, label, problems: [], console: [] };
    page.on('pageerror', (err) => w.problems.push(`uncaught error: ${err.message}`));
    page.on('console', (msg) => {
      const text = msg.text();
      if (CSP_MESSAGE.test(text)) w.problems.push(`CSP: ${text}`);
      else if (msg.type() === 'error' || msg.type() === 'warning') w.console.push(`${msg.type()}: ${text}`);
    });
    this.watched.push(w);
    return page;
  }

  /** axe-core WCAG 2.2 AA on the page as it is now. */
  async axe(page: Page, label: string): Promise<void> {
    await expectAccessible(page, `${this.name}: ${label}`);
  }

  /** Fails if any page so far had an uncaught error or a CSP violation. */
  assertNoPageProblems(): void {
    const found = this.watched.flatMap((w) => w.problems.map((p) => `[${w.label}] ${p}`));
    if (found.length > 0) throw new Error(`Problems reported by the browser:\n${found.join('\n')}`);
  }

  /** A screenshot of every open page: <name>.png for the first, <name>.<label>.png for the others. */
  async screenshots(): Promise<string[]> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const paths: string[] = [];
    for (const [i, w] of this.watched.entries()) {
      if (w.page.isClosed()) continue;
      const path = `${SCREENSHOT_DIR}/${this.name}${i === 0 ? '' : `.${w.label}`}.png`;
      try {
        await w.page.screenshot({ path, fullPage: true, timeout: 5_000 });
        paths.push(`${path} (${w.label} at ${w.page.url()})`);
      } catch (err) {
        paths.push(`${path} could not be taken: ${String(err)}`);
      }
    }
    return paths;
  }

  /** What the browser said, for the failure message. */
  report(): string {
    return this.watched
      .map((w) => {
        const lines = [...w.problems, ...w.console.slice(-10)];
        return lines.length ? `[${w.label}]\n  ${lines.join('\n  ')}` : '';
      })
      .filter(Boolean)
      .join('\n');
  }

  async dispose(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
  }
}

/**
 * Runs a test body in a Scenario: fails on browser problems, and on any failure saves screenshots
 * to /tmp/confide-e2e and names them in the error. Use as `it('…', () => inScenario(e2e, 'name', async (s) => …))`.
 */
export async function inScenario(e2e: E2E, name: string, body: (s: Scenario) => Promise<void>): Promise<void> {
  const s = new Scenario(e2e, name);
  try {
    await body(s);
    s.assertNoPageProblems();
  } catch (err) {
    const shots = await s.screenshots();
    const said = s.report();
    const extra =
      `\n\nScreenshots: ${shots.length ? shots.join(', ') : 'none (no page open)'}` +
      (said ? `\nBrowser messages:\n${said}` : '');
    if (err instanceof Error) {
      err.message += extra;
      throw err;
    }
    throw new Error(String(err) + extra);
  } finally {
    await s.dispose();
  }
}

/** Waits until the locator is visible, with a message that says what was expected. */
export async function see(locator: Locator, what: string, timeout = WAIT): Promise<Locator> {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (err) {
    throw new Error(`Expected to see ${what} within ${timeout} ms.\n${firstLine(err)}`);
  }
  return locator;
}

/** Waits until the locator matches nothing (or nothing visible). */
export async function gone(locator: Locator, what: string, timeout = WAIT): Promise<void> {
  try {
    await locator.waitFor({ state: 'hidden', timeout });
  } catch (err) {
    throw new Error(`Expected ${what} to go away within ${timeout} ms.\n${firstLine(err)}`);
  }
}

/** Polls until check() returns true; the message says what never became true, and the last value seen. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeout = WAIT,
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (check(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').slice(0, 3).join('\n');
}

/**
 * Marks the current document so a later check can prove the page was not reloaded or re-navigated
 * by the browser (a client-side route change keeps the same document and the mark).
 */
export async function markDocument(page: Page): Promise<string> {
  const mark = `m${Math.random().toString(36).slice(2)}`;
  await page.evaluate((m) => {
    (window as unknown as { __e2eMark?: string }).__e2eMark = m;
  }, mark);
  return mark;
}

export async function assertSameDocument(page: Page, mark: string, what: string): Promise<void> {
  const now = await page.evaluate(() => (window as unknown as { __e2eMark?: string }).__e2eMark ?? null);
  assert(now === mark, `${what}: the page was reloaded (document mark ${mark} became ${String(now)})`);
}

/** The text of every message body in a thread (patient or staff), in order. */
export async function threadTexts(page: Page): Promise<string[]> {
  return page.locator('[role="log"] .app-message__text').allTextContents();
}

export type Focused = {
  tag: string;
  id: string;
  name: string;
  type: string;
  href: string;
  /**
   * How focus is shown: the outline / box-shadow / background that the element (or the parts NHS
   * styles draw its ring on) has when focused and not when blurred. null when focus changes nothing.
   */
  indicator: string | null;
  /** Whether the element has any size on screen. */
  onScreen: boolean;
};

/**
 * The focused element, and whether its focus is visible: its styles are read focused, then blurred,
 * then it is focused again, and the differences are the indicator. (A button's permanent shadow is
 * not a focus indicator; a change of outline, box-shadow or background is.)
 */
export async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) {
      return { tag: 'body', id: '', name: '', type: '', href: '', indicator: null, onScreen: false };
    }
    const transparent = (c: string) => c === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(c);
    // NHS styles draw some focus rings beside the element: a radio's or checkbox's label::before,
    // a details summary's inner text.
    const forLabel = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    const targets: [Element, string, string | undefined][] = [
      [el, 'element', undefined],
      [el, 'element::before', '::before'],
      [el, 'element::after', '::after'],
      ...Array.from(el.children).map((c): [Element, string, undefined] => [
        c,
        `<${c.tagName.toLowerCase()}>`,
        undefined,
      ]),
      ...(forLabel ? [[forLabel, 'label::before', '::before'] as [Element, string, string]] : []),
    ];
    const snapshot = () =>
      targets.map(([node, where, pseudo]) => {
        const cs = getComputedStyle(node, pseudo);
        const outline =
          cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && !transparent(cs.outlineColor)
            ? `${cs.outlineWidth} ${cs.outlineStyle} ${cs.outlineColor}`
            : 'none';
        return { where, outline, boxShadow: cs.boxShadow || 'none', background: cs.backgroundColor };
      });
    const on = snapshot();
    el.blur();
    const off = snapshot();
    el.focus({ preventScroll: true });
    const parts: string[] = [];
    on.forEach((a, i) => {
      const b = off[i]!;
      if (a.outline !== b.outline && a.outline !== 'none') parts.push(`${a.where} outline ${a.outline}`);
      if (a.boxShadow !== b.boxShadow && a.boxShadow !== 'none') parts.push(`${a.where} box-shadow ${a.boxShadow}`);
      if (a.background !== b.background && !transparent(a.background)) {
        parts.push(`${a.where} background ${a.background}`);
      }
    });
    const rect = el.getBoundingClientRect();
    const label = el.getAttribute('aria-label') ?? forLabel?.textContent ?? el.innerText ?? '';
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: label.replace(/\s+/g, ' ').trim().slice(0, 80),
      type: el.getAttribute('type') ?? '',
      href: el.getAttribute('href') ?? '',
      indicator: parts.length ? parts.join('; ') : null,
      onScreen: rect.width > 0 && rect.height > 0,
    };
  });
}

function describe(f: Focused): string {
  return `<${f.tag}${f.id ? `#${f.id}` : ''}${f.type ? ` type=${f.type}` : ''}> "${f.name}"`;
}

/** Fails unless the focused element is on screen and has a visible focus indicator. */
export async function assertVisibleFocus(page: Page, where: string): Promise<Focused> {
  const f = await focused(page);
  assert(f.tag !== 'body', `${where}: nothing has focus`);
  assert(f.onScreen, `${where}: focused element ${describe(f)} has no size on screen`);
  assert(f.indicator, `${where}: focused element ${describe(f)} has no visible focus indicator (outline/box-shadow)`);
  return f;
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches, checking at every stop that focus
 * is visible. The error lists every stop on the way.
 */
export async function tabTo(
  page: Page,
  matches: (f: Focused) => boolean,
  what: string,
  opts: { back?: boolean; max?: number } = {},
): Promise<Focused> {
  const stops: string[] = [];
  for (let i = 0; i < (opts.max ?? 40); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    stops.push(describe(f));
    if (f.tag !== 'body') {
      assert(
        f.onScreen && f.indicator,
        `Tabbing to ${what}: focus is not visible on ${describe(f)}.\nStops: ${stops.join(' → ')}`,
      );
    }
    if (matches(f)) return f;
  }
  throw new Error(`Could not reach ${what} with ${opts.back ? 'Shift+Tab' : 'Tab'}.\nStops: ${stops.join(' → ')}`);
}

export const byId = (id: string) => (f: Focused) => f.id === id;
export const byName = (name: string | RegExp) => (f: Focused) =>
  typeof name === 'string' ? f.name === name : name.test(f.name);

/** sessionStorage's conversation token, as the patient app keeps it. */
export async function storedToken(page: Page): Promise<string | null> {
  return page.evaluate(() => sessionStorage.getItem('confide.conversationToken'));
}
