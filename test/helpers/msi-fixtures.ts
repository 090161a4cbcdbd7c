import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

const run = promisify(execFile);

/** A small installer source for wixl (msitools): one component, one file, cabinet embedded. */
export const AGENT_WXS = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Workbench Migration Agent" Language="1033" Version="1.0.0" Manufacturer="Workbench Tests" UpgradeCode="6b1c9a2e-3f4d-4e5a-9b7c-1d2e3f4a5b6c">
    <Package InstallerVersion="200" Compressed="yes" Comments="workbench test installer"/>
    <Media Id="1" Cabinet="agent.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="MigrationAgent">
          <Component Id="Payload" Guid="0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0">
            <File Id="AgentConf" Name="agent.conf" Source="agent.conf" KeyPath="yes"/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Complete" Level="1"><ComponentRef Id="Payload"/></Feature>
  </Product>
</Wix>
`;

/** Builds DIR/NAME (a real Windows Installer package) with wixl; returns its path. */
export async function buildAgentMsi(dir: string, name = 'agent.msi'): Promise<string> {
  await writeFile(path.join(dir, 'agent.conf'), 'endpoint=https://replication.example\n');
  await writeFile(path.join(dir, 'agent.wxs'), AGENT_WXS);
  const out = path.join(dir, name);
  await run('wixl', ['-o', out, path.join(dir, 'agent.wxs')], { cwd: dir, timeout: 60_000 });
  return out;
}

/** osslsigncode sign with sha256 and the given certificate/key, plus EXTRA arguments (-t URL, -add-msi-dse…). */
export async function osslSign(input: string, out: string, who: { cert: string; key: string }, extra: string[] = []): Promise<void> {
  await run('osslsigncode', ['sign', '-certs', who.cert, '-key', who.key, '-h', 'sha256', ...extra, '-in', input, '-out', out], { timeout: 30_000 });
}
