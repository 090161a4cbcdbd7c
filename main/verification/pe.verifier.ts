import { open } from 'node:fs/promises';
import { PE_SUBJECT, verifyAuthenticode } from './authenticode';
import { firstSignature, parsePeLayout, PE_HEAD_BYTES, PeFormatError, peImageDigest } from './pe-image';
import { failed } from './outcome';
import type { Verifier } from './verifier';
import { VERIFIER_KINDS } from './kinds';

/** Authenticode for PE images (agent installers .exe, libraries .dll, drivers .sys), streamed: any size. */
export const peVerifier: Verifier = {
  kind: 'pe',
  label: VERIFIER_KINDS.pe.label,
  matches: VERIFIER_KINDS.pe.matches,
  async verify({ file, size, trust }) {
    const fh = await open(file, 'r');
    try {
      const head = Buffer.alloc(Math.min(size, PE_HEAD_BYTES));
      await fh.read(head, 0, head.length, 0);
      let layout;
      try {
        layout = parsePeLayout(head, size);
      } catch (err) {
        if (err instanceof PeFormatError) return failed(/not a PE file/.test(err.message) ? 'not-a-pe-file' : 'malformed-signature-block', err.message);
        throw err;
      }
      if (!layout.certTable) return failed('unsigned', 'the image has no certificate table', ['signature: the executable is not signed']);
      const table = Buffer.alloc(layout.certTable.size);
      await fh.read(table, 0, table.length, layout.certTable.offset);
      let der;
      try {
        der = firstSignature(table);
      } catch (err) {
        if (err instanceof PeFormatError) return failed('bad-pkcs7', err.message);
        throw err;
      }
      const outcome = await verifyAuthenticode({ der, contentDigest: (alg) => peImageDigest(fh, layout, size, alg), subjectType: PE_SUBJECT, trust });
      const tableEnd = layout.certTable.offset + layout.certTable.size;
      if (tableEnd < size) {
        // Windows requires the certificate table to be the end of the file: bytes after it are not signed.
        outcome.reasons.unshift('trailing-data-after-signature');
        outcome.details.unshift(`${size - tableEnd} bytes follow the certificate table and are not covered by the signature`);
      }
      outcome.details.push(`${layout.pe32plus ? 'PE32+' : 'PE32'} image, certificate table at ${layout.certTable.offset} (${layout.certTable.size} bytes)`);
      return outcome;
    } finally {
      await fh.close();
    }
  },
};
