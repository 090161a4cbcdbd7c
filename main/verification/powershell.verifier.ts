import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseScript } from './powershell-script';
import { POWERSHELL_SUBJECT, verifyAuthenticode } from './authenticode';
import { failed } from './outcome';
import type { Verifier } from './verifier';
import { VERIFIER_KINDS } from './kinds';

/** Scripts are read whole (the SIP decodes the text); nothing legitimate is this big. */
const MAX_SCRIPT_BYTES = 256 * 1024 * 1024;

/** Authenticode for PowerShell scripts, modules and manifests (the PowerShell SIP). */
export const powershellVerifier: Verifier = {
  kind: 'powershell',
  label: VERIFIER_KINDS.powershell.label,
  matches: VERIFIER_KINDS.powershell.matches,
  async verify({ file, size, trust }) {
    if (size > MAX_SCRIPT_BYTES) return failed('malformed-signature-block', `${size} bytes is larger than any PowerShell script the workbench checks`);
    const bytes = await readFile(file);
    const { encoding, block } = parseScript(bytes);
    const ascii = !bytes.some((b) => b >= 0x80);
    const encodingNote =
      encoding === 'windows-1252'
        ? ascii
          ? 'script is plain ASCII (no BOM)'
          : 'script read as Windows-1252: no BOM and no UTF-8 sequence in the first 32 bytes, so Windows uses the ANSI code page (assumed Windows-1252)'
        : `script read as ${encoding}`;
    switch (block.kind) {
      case 'unsigned':
        return failed('unsigned', encodingNote, ['signature: the script has no signature block']);
      case 'malformed':
        return failed('malformed-signature-block', block.problem);
      case 'bad-base64':
        return failed('bad-pkcs7', block.problem);
      case 'signed':
      case 'trailing-data': {
        const content = block.content;
        const outcome = await verifyAuthenticode({
          der: block.der,
          contentDigest: (alg) => createHash(alg).update(content).digest(),
          subjectType: POWERSHELL_SUBJECT,
          trust,
        });
        outcome.details.unshift(encodingNote);
        if (block.kind === 'trailing-data') {
          outcome.reasons.unshift('trailing-data-after-signature');
          outcome.details.unshift(block.problem);
        }
        return outcome;
      }
    }
  },
};
