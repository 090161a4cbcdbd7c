import { readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, screenshot } from './fixtures';
import { makeCorpus } from '../helpers/authenticode-corpus';
import { issue, writePki } from '../helpers/test-pki';
import { startFakeLegacyTsa } from '../helpers/fake-legacy-tsa';
import { buildAgentMsi, osslSign } from '../helpers/msi-fixtures';

/** Drops files on the Verify screen the way a user drags them from the desktop. */
async function dropFiles(page: Page, files: string[]) {
  const payload = await Promise.all(files.map(async (f) => ({ name: path.basename(f), b64: (await readFile(f)).toString('base64') })));
  const dt = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const it of items) dt.items.add(new File([Uint8Array.from(atob(it.b64), (c) => c.charCodeAt(0))], it.name));
    return dt;
  }, payload);
  await page.locator('.vf-screen').dispatchEvent('drop', { dataTransfer: dt });
}

test('a consultant checks a vendor setup script and a tampered copy before running them', async ({ page, workbench }) => {
  test.setTimeout(120_000);
  const corpus = await makeCorpus();
  try {
    const signed = path.join(corpus.dir, 'sidecars/coreutils/aws-sms-azure-setup.ps1');
    const tampered = path.join(corpus.dir, 'sidecars/stale-after-tamper/aws-sms-azure-setup.ps1');
    await workbench.open(page);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByTestId('verify-dropzone')).toBeVisible();
    await expect(page.getByText(/^Bundled roots: \d+ of \d+ trusted$/)).toBeVisible();
    await screenshot(page, 'verify-empty');

    // She drops the vendor's root certificate, then the script with its .sha256 and .md5 files.
    await dropFiles(page, [corpus.root, signed, `${signed}.sha256`, `${signed}.md5`]);
    const card = page.getByTestId('verify-card');
    await expect(card).toHaveCount(1);
    await expect(card.getByTestId('verify-status')).toHaveText('Valid');
    await expect(card.getByText('Verified', { exact: true })).toBeVisible();
    await expect(card.getByText('Corpus Signer', { exact: true })).toBeVisible();
    await expect(card.getByText('trusted · project root', { exact: true })).toBeVisible();
    await expect(card.locator('.vf-sidecars .vf-tag-ok')).toHaveCount(2);
    const trustPanel = page.getByRole('region', { name: 'Trust settings' });
    await expect(trustPanel.getByText('Corpus Test Root CA')).toBeVisible();
    await screenshot(page, 'verify-valid');

    // She adds the vendor's CRL by path; the trust is kept in the project, so Undo takes it back.
    await trustPanel.getByLabel('Certificate or CRL path').fill(corpus.crl);
    await trustPanel.getByRole('button', { name: 'Add CRL' }).click();
    await expect(trustPanel.getByText('CN=Corpus Test Code Signing CA, O=Authenticode Corpus')).toBeVisible();
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(trustPanel.getByText('CN=Corpus Test Code Signing CA, O=Authenticode Corpus')).toHaveCount(0);
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect(trustPanel.getByText('CN=Corpus Test Code Signing CA, O=Authenticode Corpus')).toBeVisible();

    // A copy someone edited after it was signed: signature and checksum files both say so.
    await page.getByRole('button', { name: 'Add files…' }).click();
    await page.getByLabel('Paths to verify').fill([tampered, `${tampered}.sha256`].join('\n'));
    await page.getByRole('button', { name: /^Verify 2 files$/ }).click();
    await expect(page.getByTestId('verify-card')).toHaveCount(2);
    const bad = page.getByTestId('verify-card').first();
    await expect(bad.getByTestId('verify-status')).toHaveText('HashMismatch');
    await expect(bad.getByText('Not verified')).toBeVisible();
    await expect(bad.getByTestId('verify-reasons')).toContainText('the file was changed after it was signed');
    // Its .md5 and .sha256 lie next to it, so both are found and both disagree.
    await expect(bad.locator('.vf-sidecars .vf-tag-bad')).toHaveText(['mismatch', 'mismatch']);

    // The results are kept in the project, undoably.
    const history = page.getByRole('region', { name: 'Verification history' });
    await expect(history.getByRole('row')).toHaveCount(3);
    // With the CRL added, the leaf's revocation was checked: only the intermediate's is still unchecked.
    await expect(bad.getByText(/revocation not checked for "CN=Corpus Test Code Signing CA/)).toBeVisible();
    await screenshot(page, 'verify-tampered');

    // Copy the report for the change ticket.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: workbench.origin });
    await page.getByRole('button', { name: 'Copy report' }).click();
    await expect(page.getByText('Report for 2 file(s) copied as Markdown.')).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('# Verification report');
    expect(copied).toContain('HashMismatch');

    // Save a Markdown report next to the files.
    await page.getByRole('button', { name: 'Save report…' }).click();
    const target = path.join(workbench.dir, 'report.md');
    await page.getByLabel('Report path').fill(target);
    await page.getByRole('dialog', { name: 'Save verification report' }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText(`Report saved to ${target}.`)).toBeVisible();
    const md = await readFile(target, 'utf8');
    expect(md).toMatch(/\| aws-sms-azure-setup\.ps1 \| NOT verified \| HashMismatch \|/);
    expect(md).toMatch(/\| aws-sms-azure-setup\.ps1 \| verified \| Valid \| Corpus Signer \|/);
  } finally {
    await corpus.dispose();
  }
});

test('a first-time user is led to the untrusted root, adds it, and the listed files are re-checked; bundled roots can be distrusted', async ({ page, workbench }) => {
  test.setTimeout(150_000);
  const corpus = await makeCorpus();
  try {
    const expiredLeaf = path.join(corpus.dir, 'scripts/valid-expired-leaf-timestamped.ps1');
    const current = path.join(corpus.dir, 'scripts/valid-timestamped.ps1');
    await workbench.open(page);
    await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Verify' }).click();
    const trustPanel = page.getByRole('region', { name: 'Trust settings' });

    // The roots Windows trusts for code signing ship with the workbench; one can be distrusted for this project.
    const summary = trustPanel.getByText(/^Bundled roots: \d+ of \d+ trusted$/);
    const total = Number(/of (\d+)/.exec((await summary.textContent()) ?? '')![1]);
    expect(total).toBeGreaterThanOrEqual(12);
    await summary.click();
    const bundled = trustPanel.getByRole('list', { name: 'Bundled roots' });
    await expect(bundled.getByText('Microsoft Identity Verification Root Certificate Authority 2020')).toBeVisible();
    await bundled.getByRole('button', { name: 'Distrust: DigiCert Assured ID Root CA' }).click();
    await expect(trustPanel.getByText(`Bundled roots: ${total - 1} of ${total} trusted`)).toBeVisible();
    await expect(bundled.getByRole('listitem').filter({ hasText: 'DigiCert Assured ID Root CA' }).getByText('Distrusted')).toBeVisible();
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'verify-bundled-roots-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
    await bundled.getByRole('button', { name: 'Trust again: DigiCert Assured ID Root CA' }).click();
    await expect(trustPanel.getByText(`Bundled roots: ${total} of ${total} trusted`)).toBeVisible();
    await summary.click();

    // Two scripts from a vendor whose root is not bundled: the card leads with the root and the fix, not "expired".
    await page.getByRole('button', { name: 'Add files…' }).click();
    await page.getByLabel('Paths to verify').fill([expiredLeaf, current].join('\n'));
    await page.getByRole('button', { name: /^Verify 2 files$/ }).click();
    await expect(page.getByTestId('verify-card')).toHaveCount(2);
    const notice = page.getByText('2 of 2 file(s) could not be verified.');
    await expect(notice).toBeVisible();
    const card = page.getByTestId('verify-card').filter({ hasText: 'valid-expired-leaf-timestamped.ps1' });
    await expect(card.getByTestId('verify-status')).toHaveText('UnknownError');
    const cause = card.getByTestId('verify-cause');
    await expect(cause).toContainText('The signature\'s certificate chain ends at "Corpus Test Root CA", a root that is not trusted here.');
    await expect(cause).toContainText('Add "Corpus Test Root CA" to the trusted roots (Trust settings)');
    await expect(cause).not.toContainText('--');
    await expect(card.getByRole('list', { name: 'Findings' })).toContainText('a certificate in the chain was not valid at signing time');
    await screenshot(page, 'verify-untrusted-root-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'verify-untrusted-root-1280');
    await page.setViewportSize({ width: 1440, height: 900 });

    // The fix button takes her to the place to add it; adding it re-checks both listed files.
    await cause.getByRole('button', { name: 'Add Corpus Test Root CA…' }).click();
    const pathField = trustPanel.getByLabel('Certificate or CRL path');
    await expect(pathField).toBeFocused();
    await pathField.fill(corpus.root);
    await trustPanel.getByRole('button', { name: 'Trust certificate' }).click();
    await expect(page.getByText('2 file(s) verified.')).toBeVisible();
    await expect(notice).toHaveCount(0);
    await expect(page.getByTestId('verify-card')).toHaveCount(2);
    for (const c of await page.getByTestId('verify-card').all()) await expect(c.getByTestId('verify-status')).toHaveText('Valid');
    await expect(page.getByTestId('verify-cause')).toHaveCount(0);
    const fixed = page.getByTestId('verify-card').filter({ hasText: 'valid-expired-leaf-timestamped.ps1' });
    await expect(fixed.getByText('trusted · project root', { exact: true })).toBeVisible();
    await expect(fixed.getByText(/Timestamp \(RFC 3161\)/)).toContainText('(trusted · project root)');
    await screenshot(page, 'verify-rechecked-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await screenshot(page, 'verify-rechecked-1280');
    await page.setViewportSize({ width: 1440, height: 900 });

    // The re-check updated the cards without adding to the kept history, so Undo takes back the root itself,
    // and the cards are judged again under the trust as it now is.
    await expect(page.getByRole('region', { name: 'Verification history' }).getByRole('row')).toHaveCount(3);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(trustPanel.getByText('Your root')).toHaveCount(0);
    await expect(page.getByTestId('verify-cause')).toHaveCount(2);
    await expect(page.getByText('2 of 2 file(s) could not be verified.')).toBeVisible();
  } finally {
    await corpus.dispose();
  }
});

test('a big file shows progress and can be cancelled without recording anything', async ({ page, workbench }) => {
  const big = path.join(workbench.dir, 'connector-appliance.ova');
  // 16 GiB, sparse past its first MiB: hashing it takes far longer than the progress screenshot and its axe scan
  // (a dense 768 MiB file finished in 5 s on a quiet machine, before Cancel could be clicked).
  await writeFile(big, Buffer.alloc(1024 * 1024, 7));
  await truncate(big, 16 * 1024 ** 3);
  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('button', { name: 'Add files…' }).click();
  await page.getByLabel('Paths to verify').fill(big);
  await page.getByRole('button', { name: /^Verify 1 file$/ }).click();
  // The progress area holds the Cancel button; the bar itself is a progressbar (no control may sit inside one).
  const progress = page.getByRole('group', { name: 'Verification progress' });
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar', { name: 'Verified so far' })).toBeVisible();
  await expect(progress).toContainText('connector-appliance.ova');
  await screenshot(page, 'verify-progress');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Verification cancelled; nothing was recorded.')).toBeVisible();
  await expect(progress).toHaveCount(0);
  await expect(page.getByTestId('verify-card')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Verification history' })).toHaveCount(0);
});

test('a consultant checks a signed agent installer (.msi) whose publisher certificate has since expired', async ({ page, workbench }) => {
  test.setTimeout(120_000);
  // The vendor's PKI and a legacy Authenticode time-stamping server (a hand-written fake: no packaged one exists).
  const root = await issue('Vendor Root CA', 'root', new Date('2019-01-01Z'), new Date('2049-01-01Z'));
  const rootFiles = await writePki(workbench.dir, 'vendor-root', root);
  const publisher = await writePki(workbench.dir, 'publisher', await issue('Vendor Installer Team', 'codeSigning', new Date('2020-01-01Z'), new Date('2021-01-01Z'), root));
  const tsa = await startFakeLegacyTsa({ tsa: await issue('Vendor Legacy TSA', 'timeStamping', new Date('2019-06-01Z'), new Date('2045-01-01Z'), root), time: new Date('2020-07-01T00:00:00Z') });
  const unsigned = await buildAgentMsi(workbench.dir, 'unsigned.msi');
  const installer = path.join(workbench.dir, 'migration-agent.msi');
  try {
    await osslSign(unsigned, installer, publisher, ['-t', tsa.url]);
  } finally {
    await tsa.close();
  }

  await workbench.open(page);
  await page.getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Verify' }).click();
  await dropFiles(page, [rootFiles.cert, installer]);
  const card = page.getByTestId('verify-card');
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('verify-status')).toHaveText('Valid');
  await expect(card.getByText(/^Windows Installer package ·/)).toBeVisible();
  await expect(card.getByText('Vendor Installer Team', { exact: true })).toBeVisible();
  // Signed while the certificate was valid, proven by the countersignature.
  await expect(card.getByText(/Timestamp \(countersignature\)/)).toContainText('Wed, 01 Jul 2020 00:00:00 GMT');
  await expect(card.getByText(/by Vendor Legacy TSA/)).toBeVisible();
  await screenshot(page, 'verify-msi-valid');

  // A copy with one changed byte in the package's string table.
  const bytes = await readFile(installer);
  bytes[bytes.indexOf(Buffer.from('Workbench Migration Agent', 'latin1'))] = 0x58;
  const tampered = path.join(workbench.dir, 'migration-agent-copy.msi');
  await writeFile(tampered, bytes);
  await dropFiles(page, [tampered]);
  const bad = page.getByTestId('verify-card').filter({ hasText: 'migration-agent-copy.msi' });
  await expect(bad.getByTestId('verify-status')).toHaveText('HashMismatch');
  await expect(bad.getByTestId('verify-reasons')).toContainText('the file was changed after it was signed');
  await screenshot(page, 'verify-msi-tampered');
});
