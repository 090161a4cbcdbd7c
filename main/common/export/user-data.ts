import type { ConfigScript } from '../model/planning';

/** EC2 refuses user data over 16 KB (before base64). */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;
/** A WaitConditionHandle's pre-signed URL replaces its reference at launch; this is a generous size for it. */
const SIGNAL_URL_ALLOWANCE = 1024;

export interface UserDataInput {
  osFamily: 'windows' | 'linux' | 'other' | 'unknown';
  script?: ConfigScript | undefined;
  /** Signal this WaitConditionHandle (its logical ID) when the script has run. */
  signal?: { handleLogicalId: string; uniqueId: string } | undefined;
}

export interface RenderedUserData {
  /** The text; when `sub` is true it is an Fn::Sub body (`${Handle}` is the handle URL, `${!` a literal `${`). */
  text: string;
  sub: boolean;
  /** Bytes at launch (UTF-8), with the handle URL counted at its allowance. */
  estimatedBytes: number;
}

/** UTF-8 byte length (main/common has neither TextEncoder nor Buffer). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function escapeSub(text: string): string {
  return text.replace(/\$\{/g, '${!');
}

function isWindows(input: UserDataInput): boolean {
  if (input.script) return input.script.kind === 'powershell';
  return input.osFamily === 'windows';
}

/**
 * User data for one instance: the configuration script run at first boot and, with the
 * WaitCondition launch order, a signal to the group's handle once the script has finished
 * (FAILURE when it failed, so the stack stops instead of launching the next group).
 */
export function renderUserData(input: UserDataInput): RenderedUserData | null {
  const { script, signal } = input;
  if (!script && !signal) return null;
  let text: string;
  if (!signal) {
    const content = script!.content;
    if (script!.kind === 'powershell') text = /<powershell>/i.test(content) ? content : `<powershell>\n${content}\n</powershell>\n`;
    else text = content.startsWith('#!') ? content : `#!/bin/bash\n${content}`;
    return { text, sub: false, estimatedBytes: utf8Length(text) };
  }
  const handle = `\${${signal.handleLogicalId}}`;
  const content = script ? escapeSub(script.content.replace(/<\/?powershell>/gi, '')) : '';
  if (isWindows(input)) {
    text = [
      '<powershell>',
      "$status = 'SUCCESS'",
      ...(script ? ['try {', content, '} catch { $status = \'FAILURE\' }'] : []),
      `$body = @{ Status = $status; Reason = 'Configured by Migration Workbench'; UniqueId = '${signal.uniqueId}'; Data = 'ready' } | ConvertTo-Json -Compress`,
      `Invoke-RestMethod -Method Put -Uri '${handle}' -Body $body -ContentType ''`,
      '</powershell>',
      '',
    ].join('\n');
  } else {
    text = [
      '#!/bin/bash',
      'status=SUCCESS',
      ...(script
        ? ["cat > /var/tmp/mwb-config.sh <<'MWB_CONFIG_EOF'", content.startsWith('#!') ? content : `#!/bin/bash\n${content}`, 'MWB_CONFIG_EOF', 'chmod 700 /var/tmp/mwb-config.sh', '/var/tmp/mwb-config.sh || status=FAILURE']
        : []),
      `curl -sS -X PUT -H 'Content-Type:' --retry 5 --data-binary "{\\"Status\\":\\"$status\\",\\"Reason\\":\\"Configured by Migration Workbench\\",\\"UniqueId\\":\\"${signal.uniqueId}\\",\\"Data\\":\\"ready\\"}" '${handle}'`,
      '',
    ].join('\n');
  }
  const bytes = utf8Length(text.replace(handle, '').replace(/\$\{!/g, '${')) + SIGNAL_URL_ALLOWANCE;
  return { text, sub: true, estimatedBytes: bytes };
}
