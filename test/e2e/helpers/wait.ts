// Waiting on the page with vitest's expect.poll (playwright-core has no test matchers).
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

const TIMEOUT = 20_000;

export async function hasText(locator: Locator, text: string, timeout = TIMEOUT): Promise<void> {
  await expect
    .poll(async () => (await locator.allTextContents()).join('\n'), { timeout, interval: 100 })
    .toContain(text);
}

export async function hasAttribute(
  locator: Locator,
  name: string,
  value: string,
  timeout = TIMEOUT,
): Promise<void> {
  await expect.poll(() => locator.getAttribute(name), { timeout, interval: 100 }).toBe(value);
}

export async function hasCount(locator: Locator, count: number, timeout = TIMEOUT): Promise<void> {
  await expect.poll(() => locator.count(), { timeout, interval: 100 }).toBe(count);
}
