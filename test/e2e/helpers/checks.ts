// Page checks shared by the browser tests: axe-core's WCAG 2.2 A/AA rules, raw message keys
// left on screen, untranslated English under Chinese, and reflow at narrow and zoomed sizes.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { en } from '../../../public/src/i18n/en';
import { zh } from '../../../public/src/i18n/zh';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Zero violations, or a readable list of each rule, element and what to fix. */
export async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const readable = result.violations.flatMap((v) =>
    v.nodes.map(
      (n) =>
        `${where}: [${v.impact}] ${v.id} — ${v.help}\n    at ${n.target.join(' ')}\n    ${(
          n.failureSummary ?? ''
        ).replaceAll('\n', '\n    ')}`,
    ),
  );
  expect(readable, readable.join('\n')).toEqual([]);
}

export const RAW_KEY = /^[a-z]+(\.[a-zA-Z0-9_]+)+$/;

/** Visible text or accessible attributes that are message keys, or marked elements left empty. */
export async function rawKeysOnScreen(page: Page): Promise<string[]> {
  return page.evaluate((pattern) => {
    const re = new RegExp(pattern);
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode.textContent?.trim() ?? '';
      const el = walker.currentNode.parentElement;
      if (text && re.test(text) && el?.checkVisibility()) found.push(text);
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt]'))
      for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
        const value = el.getAttribute(name)?.trim();
        if (value && re.test(value)) found.push(`${name}="${value}"`);
      }
    for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]'))
      if (el.checkVisibility() && !el.textContent?.trim()) found.push(`empty ${el.dataset.i18n}`);
    return found;
  }, RAW_KEY.source);
}

/** Visible text that is an English message whose Chinese version differs: left untranslated. */
export async function englishLeftOver(page: Page): Promise<string[]> {
  const english = Object.entries(en)
    .filter(([key, text]) => (zh as Record<string, string>)[key] !== text && text.length > 3)
    .map(([, text]) => text);
  return page.evaluate((list) => {
    const messages = new Set(list);
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode.textContent?.trim() ?? '';
      if (messages.has(text) && walker.currentNode.parentElement?.checkVisibility())
        found.push(text);
    }
    return found;
  }, english);
}

export async function expectLanguage(page: Page, lang: 'en' | 'zh', where: string) {
  expect(await page.evaluate(() => document.documentElement.lang), where).toBe(
    lang === 'zh' ? 'zh-CN' : 'en',
  );
  expect(await rawKeysOnScreen(page), `${where}: raw keys on screen`).toEqual([]);
  if (lang === 'zh') {
    expect(await englishLeftOver(page), `${where}: English left in Chinese`).toEqual([]);
    const heading = await page.locator('h1:visible').first().textContent();
    expect(heading, `${where}: Chinese heading`).toMatch(/[\u4e00-\u9fff]/);
  }
}

export const NARROW = { width: 360, height: 740 };
/** 1280 × 800 at 200% zoom lays out like 640 × 400 CSS pixels. */
export const ZOOMED = { width: 640, height: 400 };
export const DESKTOP = { width: 1280, height: 800 };

/**
 * At 360 px and at 200% zoom nothing scrolls sideways and each main action is visible, inside
 * the width of the screen, and reachable by a click (not covered by anything).
 */
export async function expectReflow(page: Page, actions: string[], where: string): Promise<void> {
  for (const size of [NARROW, ZOOMED]) {
    await page.setViewportSize(size);
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    expect(widths.scroll, `${where} at ${size.width}px scrolls sideways`).toBeLessThanOrEqual(
      widths.inner,
    );
    for (const selector of actions) {
      const action = page.locator(selector).first();
      await action.scrollIntoViewIfNeeded();
      const box = await action.boundingBox();
      expect(box, `${where} at ${size.width}px: ${selector} is shown`).not.toBeNull();
      expect(box!.x, `${where}: ${selector} starts on screen`).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, `${where}: ${selector} ends on screen`).toBeLessThanOrEqual(
        size.width + 0.5,
      );
      await action.click({ trial: true, timeout: 5_000 });
    }
  }
  await page.setViewportSize(DESKTOP);
}
