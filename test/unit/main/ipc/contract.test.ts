import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { promises as fs } from 'node:fs';
import { channels, type ChannelName } from '../../../../main/common/ipc/contract';
import { dispatch } from '../../../../main/ipc/dispatch';
import { createHandlers } from '../../../../main/ipc/handlers';
import { tempDir } from '../../../helpers/temp-dir';
import { testServices } from '../../../helpers/services';
import type { Services } from '../../../../main/services/container';

const MALFORMED: unknown[] = [42, 'text', [1, 2], true, { __proto__: { polluted: true }, unexpected: { nested: 1 } }, { unexpectedKey: 'x' }];

describe('the IPC contract', () => {
  let dir: string;
  let services: Services;
  beforeAll(async () => {
    dir = await tempDir();
    services = testServices(dir);
  });
  afterAll(async () => {
    services.dispose();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('has a handler for every channel', () => {
    const handlers = createHandlers(services);
    for (const name of Object.keys(channels)) expect(typeof handlers[name as ChannelName], name).toBe('function');
  });

  it.each(Object.keys(channels))('%s rejects malformed input with a typed, readable error', async (name) => {
    const handlers = createHandlers(services);
    for (const args of MALFORMED) {
      const res = await dispatch(handlers, name, args);
      expect(res.ok, `${name} accepted ${JSON.stringify(args)}`).toBe(false);
      if (!res.ok) {
        expect(res.error.code).toBe('invalid-input');
        expect(res.error.message).toContain(name);
      }
    }
  });

  it('refuses unknown channels', async () => {
    const res = await dispatch(createHandlers(services), 'fs.deleteEverything', {});
    expect(res).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
