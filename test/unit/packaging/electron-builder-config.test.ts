import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';

describe('electron-builder.yml', () => {
  const config = YAML.parse(readFileSync('electron-builder.yml', 'utf8'));

  it("passes electron-builder's own configuration validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('targets Windows (nsis), macOS (dmg) and Linux (AppImage, deb), and packs the built app only', () => {
    expect(config.win.target.map((t: { target: string }) => t.target)).toContain('nsis');
    expect(config.mac.target.map((t: { target: string }) => t.target)).toContain('dmg');
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**']));
    expect(config.extraMetadata.main).toBe(JSON.parse(readFileSync('package.json', 'utf8')).main);
  });

  it('rejects an invalid configuration (the validation can fail)', async () => {
    await expect(validateConfiguration({ ...config, win: { target: 42, notAnOption: true } }, new DebugLogger(false))).rejects.toThrow();
  });
});
