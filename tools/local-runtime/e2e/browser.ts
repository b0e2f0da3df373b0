import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Where the browser specs save each page's screenshot: a test artifact, never committed (dist/ is ignored). */
export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'dist', 'test-artifacts', 'console');

/**
 * Debian's Chromium (apt-get install chromium; `.ci/run` installs it when missing), or the one CHROMIUM_PATH names:
 * playwright-core drives it and downloads nothing.
 * @throws Error saying how to install it when there is none: a browser spec never passes without a browser.
 */
export async function launchChromium(): Promise<Browser> {
  const candidates = [
    process.env['CHROMIUM_PATH'],
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    which('chromium'),
    // GitHub's runners and many desktops have Google Chrome rather than Chromium: the same engine.
    which('google-chrome'),
  ];
  const executablePath = candidates.find((path): path is string => !!path && existsSync(path));
  if (!executablePath)
    throw new Error('No Chromium: install it (sudo apt-get install -y chromium) or set CHROMIUM_PATH; see the README prerequisites');
  mkdirSync(SCREENSHOTS, { recursive: true });
  // As root in a container, Chromium's sandbox cannot start; /dev/shm is small there.
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

function which(command: string): string | undefined {
  try {
    return execFileSync('which', [command], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The page's accessibility violations by axe-core (WCAG 2.1 A and AA rules): a checker we did not write. It is
 * evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
 */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const { violations } = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return (violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}

/** Waits until the locator's text matches (Playwright's own assertions belong to its test runner, not jest), then asserts it. */
export async function expectText(locator: Locator, expected: string | RegExp, timeoutMs = 10_000): Promise<void> {
  const matches = (text: string) => (typeof expected === 'string' ? text === expected : expected.test(text));
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = ((await locator.count()) ? await locator.first().textContent() : '') ?? '';
    if (matches(text.trim()) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (typeof expected === 'string') expect(text.trim()).toBe(expected);
  else expect(text.trim()).toMatch(expected);
}

/** Waits until the locator matches `count` elements, then asserts it. */
export async function expectCount(locator: Locator, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await locator.count()) !== count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await locator.count()).toBe(count);
}
