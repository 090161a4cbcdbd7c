import { HASH_LABEL, HASH_ALGORITHMS } from './hashes';
import { commonName } from './cause';
import { ANCHOR_STORE_LABEL, REASON_TEXT, WARNING_TEXT, type VerificationReport } from './report';

/** The per-file object `mwb verify --json` prints and JSON reports hold. */
export function reportJson(r: VerificationReport) {
  return {
    file: r.file,
    kind: r.kind,
    status: r.status,
    ok: r.ok,
    reasons: r.reasons,
    warnings: r.warnings,
    notChecked: r.notChecked,
    signer: r.signer,
    chain: r.chain,
    timestamp: r.timestamp,
    hashes: r.hashes,
    sidecars: r.sidecars,
    size: r.size,
    verifiedAt: r.verifiedAt,
  };
}

export function reasonText(reason: string): string {
  return (REASON_TEXT as Record<string, string>)[reason] ?? reason;
}

export function warningText(warning: string): string {
  return (WARNING_TEXT as Record<string, string>)[warning] ?? warning;
}

/** Which store the signature's (and the timestamp's) trusted root came from, in words; null when nothing anchored. */
export function anchorText(r: VerificationReport): string | null {
  const anchor = r.chain.find((c) => c.trustAnchor);
  const parts: string[] = [];
  if (anchor?.anchorStore) parts.push(`signature: ${cn(anchor.subject)}, from ${ANCHOR_STORE_LABEL[anchor.anchorStore]}`);
  if (r.timestamp?.verified && r.timestamp.anchorStore) parts.push(`timestamp: from ${ANCHOR_STORE_LABEL[r.timestamp.anchorStore]}`);
  return parts.length ? parts.join('; ') : null;
}

const cn = commonName;

/** A Markdown report a consultant can paste into a ticket or change record. */
export function reportMarkdown(reports: VerificationReport[], generatedAt: string): string {
  const lines: string[] = [`# Verification report`, '', `Generated ${generatedAt} by Migration Workbench.`, ''];
  lines.push('| File | Verdict | Status | Signer |', '| --- | --- | --- | --- |');
  for (const r of reports) lines.push(`| ${r.name} | ${r.ok ? 'verified' : 'NOT verified'} | ${r.status} | ${r.signer ? cn(r.signer.subject) : '—'} |`);
  for (const r of reports) {
    lines.push('', `## ${r.name}`, '', `- Path: \`${r.file}\``, `- Kind: ${r.kind}, ${r.size} bytes`, `- Status: **${r.status}** (${r.ok ? 'verified' : 'not verified'})`);
    lines.push(`- Reasons: ${r.reasons.map((x) => `${x} (${reasonText(x)})`).join('; ')}`);
    if (r.warnings.length) lines.push(`- Warnings: ${r.warnings.map((w) => `${w} (${warningText(w)})`).join('; ')}`);
    if (r.signer) lines.push(`- Signer: ${r.signer.subject}; issuer ${r.signer.issuer}; thumbprint ${r.signer.thumbprintSha1}; valid ${r.signer.notBefore} – ${r.signer.notAfter}`);
    if (r.chain.length) lines.push(`- Chain: ${r.chain.map((c) => cn(c.subject) + (c.trustAnchor ? ' (trusted)' : '')).join(' → ')}`);
    const anchors = anchorText(r);
    if (anchors) lines.push(`- Trusted root: ${anchors}`);
    if (r.timestamp) lines.push(`- Timestamp: ${r.timestamp.kind} ${r.timestamp.time} ${r.timestamp.verified ? 'verified' : `NOT verified (${r.timestamp.problem ?? ''})`}`);
    for (const a of HASH_ALGORITHMS) if (r.hashes[a]) lines.push(`- ${HASH_LABEL[a]}: \`${r.hashes[a]}\``);
    for (const s of r.sidecars) lines.push(`- Sidecar ${s.sidecar}: ${s.verdict} — ${s.reason}`);
    for (const n of r.notChecked) lines.push(`- Not checked: ${n}`);
  }
  return lines.join('\n') + '\n';
}
