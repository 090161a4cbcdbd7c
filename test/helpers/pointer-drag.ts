import type { Locator, Page } from '@playwright/test';

/**
 * Drags with real mouse moves, as a user does: dnd-kit's pointer sensor starts only after a move past its 5 px
 * threshold, and the drop target must see moves over it. `dropY` is where to let go, from the target's top
 * (default: its middle, at most 40 px down, so tall groups get the drop inside their body). Returns once the page
 * takes clicks again.
 */
export async function pointerDrag(page: Page, from: Locator, to: Locator, opts: { dropY?: number; steps?: number } = {}): Promise<void> {
  const a = (await from.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 6, { steps: 3 });
  // The target is found once the drag has begun and the page has drawn it, as an eye finds it: what a drag shows
  // (a hint, a placeholder) may move the target.
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
  const b = (await to.boundingBox())!;
  const y = b.y + (opts.dropY ?? Math.min(b.height / 2, 40));
  await page.mouse.move(b.x + b.width / 2, y, { steps: opts.steps ?? 12 });
  await page.mouse.move(b.x + b.width / 2 + 2, y + 2, { steps: 2 });
  await page.mouse.up();
  // dnd-kit's pointer sensor swallows every click for 50 ms after a drop (a document listener it removes in a
  // `setTimeout(…, 50)`, its guard against the click that ends a drag). A click sent sooner is lost: in the
  // responsiveness benchmark, the next rename's click came 43 ms after a drop about one run in three. A page timer of
  // 60 ms queued now runs after the sensor's; no hand is that quick anyway.
  await page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 60)));
}

/**
 * Picks up the focused item with Space, as a keyboard user does, and returns once dnd-kit listens for the next key:
 * its keyboard sensor adds its key listener in a `setTimeout` after the pick-up (so the Space that started the drag
 * does not also end it), and an arrow pressed before that is lost. A page timer queued now runs after the sensor's.
 */
export async function keyboardPickUp(page: Page): Promise<void> {
  await page.keyboard.press('Space');
  await page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
}
