import { test as base, expect, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../../main/cli/serve.command';
import type { Services } from '../../main/services/container';
import { CfnValidatorService } from '../../main/services/cfn-validator.service';

export interface Workbench {
  /** URL with the session token, as `mwb serve` prints it. */
  url: string;
  origin: string;
  token: string;
  /** A private temp folder for files the story creates. */
  dir: string;
  /** Opens the workbench in the page and waits until the project is loaded. */
  open(page: Page): Promise<void>;
  /** The shell's services (stories push events as a service would, e.g. replication progress). */
  services: Services;
}

/**
 * Each story gets its own browser shell (own token, own app data folder) serving the built renderer. The shells of one
 * Playwright worker share AWS's CloudFormation validator (`cfnValidator`, started on first use, as the Applications
 * screen's warm-up does): its wasm engine costs about 15 CPU-seconds to start, and most stories open Applications.
 */
export const test = base.extend<{ workbench: Workbench; project: string | undefined }, { cfnValidator: CfnValidatorService }>({
  project: [undefined, { option: true }],
  cfnValidator: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from its first parameter
    async ({}, use) => {
      const validator = new CfnValidatorService();
      await use(validator);
      validator.dispose();
    },
    { scope: 'worker' },
  ],
  workbench: async ({ project, cfnValidator }, use) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mwb-e2e-'));
    const server = await serve({ dataDir: path.join(dir, 'appdata'), cfnValidator, ...(project ? { project } : {}) });
    const url = new URL(server.url);
    const token = /token=([^&]+)/.exec(url.hash)?.[1] ?? '';
    await use({
      url: server.url,
      origin: url.origin,
      token,
      dir,
      services: server.services,
      async open(page) {
        await page.goto(server.url);
        await expect(page.getByTestId('doc-title')).toBeVisible();
        await expect(page.locator('.loading')).toHaveCount(0);
      },
    });
    await server.close();
    await rm(dir, { recursive: true, force: true });
  },
});

export { expect };

/** What the screen checks report for one control that cannot be used as drawn. */
interface BadControl {
  control: string;
  problem: string;
}

/**
 * Every visible button, input, select, textarea and link must be usable as drawn: inside the
 * viewport, not cut by an ancestor that clips its overflow, and not covered by something else
 * (document.elementFromPoint at its centre is the control or one of its descendants).
 * Controls scrolled out of view inside a scrolling panel count as hidden, not as clipped:
 * the panel scrolls to them. A control cut by the edge of a scrolling panel is clipped.
 */
export async function unusableControls(page: Page): Promise<BadControl[]> {
  return page.evaluate(() => {
    const out: { control: string; problem: string }[] = [];
    const describe = (el: Element) => {
      const label = el.getAttribute('aria-label') || (el as HTMLElement).innerText?.trim().replace(/\s+/g, ' ').slice(0, 40) || el.getAttribute('placeholder') || el.getAttribute('title') || '';
      return `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[role=${el.getAttribute('role')}]` : ''} "${label}"`;
    };
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    // Behind a modal dialog nothing is meant to be reachable: check the dialog only.
    const modals = document.querySelectorAll('[aria-modal="true"]');
    const scope: ParentNode = modals.length ? modals[modals.length - 1]! : document;
    const controls = scope.querySelectorAll('button, input:not([type=hidden]), select, textarea, a[href], [role=button], [role=tab], [role=combobox], [role=option]');
    for (const el of controls) {
      const h = el as HTMLElement;
      const style = getComputedStyle(h);
      if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) continue;
      // Inside a closed <details> (content-visibility) or an invisible ancestor: not shown.
      if (!h.checkVisibility({ visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true })) continue;
      const r = h.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) continue;
      // The visible part after every ancestor that clips its overflow. A scrolling ancestor may hide a control
      // (or part of it) along an axis it scrolls: scrolling reveals it. A sticky part of a scrolling panel
      // (a form's action bar) cannot be scrolled into view, so a cut there is a real clip.
      let vis = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      let sticky = false;
      let hidden = false;
      let clippedBy: Element | null = null;
      let scroller: Element | null = null;
      for (let a = h.parentElement; a && a !== document.body && !clippedBy; a = a.parentElement) {
        const st = getComputedStyle(a);
        if (st.position === 'sticky' && (st.bottom !== 'auto' || st.top !== 'auto')) sticky = true;
        if (st.overflowX === 'visible' && st.overflowY === 'visible') continue;
        const ar = a.getBoundingClientRect();
        const box = { left: ar.left + a.clientLeft, top: ar.top + a.clientTop, right: ar.left + a.clientLeft + a.clientWidth, bottom: ar.top + a.clientTop + a.clientHeight };
        const cutX = vis.left < box.left - 1 || vis.right > box.right + 1;
        const cutY = vis.top < box.top - 1 || vis.bottom > box.bottom + 1;
        const scrollsX = /auto|scroll/.test(st.overflowX);
        const scrollsY = /auto|scroll/.test(st.overflowY);
        if ((scrollsX || scrollsY) && !scroller) scroller = a;
        if ((cutX && !scrollsX) || (cutY && (!scrollsY || sticky))) clippedBy = a;
        vis = { left: Math.max(vis.left, box.left), top: Math.max(vis.top, box.top), right: Math.min(vis.right, box.right), bottom: Math.min(vis.bottom, box.bottom) };
        if (vis.right - vis.left < 1 || vis.bottom - vis.top < 1) hidden = !clippedBy;
        if (hidden) break;
      }
      if (hidden) continue;
      const name = describe(h);
      if (clippedBy) {
        out.push({ control: name, problem: `clipped by ${clippedBy.tagName.toLowerCase()}.${[...clippedBy.classList].join('.')}` });
        continue;
      }
      // Judge the part a scrolling panel shows: a field half scrolled out of its panel is reached by scrolling the
      // panel, but a part of the page beyond the window is not reachable at all.
      if (vis.left < -1 || vis.top < -1 || vis.right > vw + 1 || vis.bottom > vh + 1) {
        out.push({ control: name, problem: `outside the ${vw}×${vh} viewport (${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)})` });
        continue;
      }
      const hit = document.elementFromPoint((vis.left + vis.right) / 2, (vis.top + vis.bottom) / 2);
      // A label that wraps a transparent file input is what the user clicks. A panel's sticky bar over a field
      // scrolled under it, and a popup list the user opened (combobox, menu), are meant to be on top.
      const underStickyBar = (() => {
        for (let e: Element | null = hit; e && scroller && scroller.contains(e) && e !== scroller; e = e.parentElement) if (getComputedStyle(e).position === 'sticky') return true;
        return false;
      })();
      const openPopup = !!hit?.closest('[role=listbox], [role=menu], .popover') && !hit!.closest('[role=listbox], [role=menu], .popover')!.contains(h) && !!document.querySelector('[aria-expanded="true"]');
      if (hit && hit !== h && !h.contains(hit) && !underStickyBar && !openPopup && !(hit.closest('label') && hit.closest('label')!.contains(h))) {
        out.push({ control: name, problem: `covered by ${describe(hit)}` });
      }
    }
    return out;
  });
}

/** Rules of WCAG 2.1 A and AA that axe-core checks. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe-core on the page as it is now: the serious and critical violations, one line each. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // label-content-name-mismatch is WCAG 2.1 A (2.5.3) but experimental in axe, so it is switched on by name.
  // resultTypes: only the violations are read, so axe lists one node each for passes, incomplete and inapplicable
  // instead of every node (less work per check; the violations are the same). Note: AxeBuilder.options() replaces
  // the runOnly that withTags() set, so every rule axe-core enables by default runs (its best practices too), not
  // only the WCAG tags; that is what the stories have always checked, and it is kept.
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).options({ resultTypes: ['violations'], rules: { 'label-content-name-mismatch': { enabled: true } } }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join('').trim() ?? v.help}`));
}

/**
 * The one screen check every story calls: saves a screenshot for people to look at
 * (test-results/screens/NAME.png), then fails if axe-core finds a serious or critical WCAG 2.1 A/AA
 * violation or a control is clipped, off-screen or covered.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  // axe-core takes several seconds per screen on a loaded machine: each check brings its own time.
  test.info().setTimeout(test.info().timeout + 45_000);
  await page.screenshot({ path: path.join('test-results', 'screens', `${name}.png`) });
  const [a11y, controls] = [await seriousA11yViolations(page), await unusableControls(page)];
  expect(a11y, `axe-core on ${name}`).toEqual([]);
  expect(controls.map((c) => `${c.control}: ${c.problem}`), `controls on ${name}`).toEqual([]);
}
