/**
 * Debian's chromium driven by playwright-core (DESIGN.md §7): no browser download, a fresh profile
 * per launch, and nothing that phones home (sync, component updates, background networking, QUIC),
 * so the tests use only loopback. Every console error and uncaught page error is collected: a test
 * asserts there were none.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** For `describe(name, { skip: chromiumSkip() })`: CI installs chromium (.ci/run); a dev machine may lack it. */
export function chromiumSkip(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  return process.env.SWARMSCOPE_SKIP_BROWSER === '1' ? `${CHROMIUM_PATH} is missing and SWARMSCOPE_SKIP_BROWSER=1` : false;
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context is how playwright takes a --user-data-dir: here a fresh temporary one. */
export async function launchChromium(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'swarmscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions so far, as text. */
  errors: string[];
  /** URLs of every request the page made so far. */
  requests: string[];
}

export async function openPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  return { page, errors, requests };
}
