import { afterEach, describe, expect, it } from 'vitest';
import { EbsDirectTransport } from '../../../../main/replication/transport/ebs-direct.transport';

/**
 * The worker resolves the Region and credentials once through the SDK's default chain (`identity()`) and hands them
 * to its block lanes, whose clients use them instead of walking the chain again. No request is sent here.
 */
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('EbsDirectTransport identity', () => {
  it('resolves the default chain once (environment credentials with their expiry) and the Region given', async () => {
    const expires = new Date(Date.now() + 3_600_000);
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDIDENTITYTEST', AWS_SECRET_ACCESS_KEY: 'identity-secret', AWS_SESSION_TOKEN: 'token-1', AWS_CREDENTIAL_EXPIRATION: expires.toISOString(), AWS_EC2_METADATA_DISABLED: 'true' });
    const t = new EbsDirectTransport({ kind: 'ebs', region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:9' });
    try {
      const id = await t.identity();
      expect(id.region).toBe('eu-west-3');
      expect(id.credentials).toMatchObject({ accessKeyId: 'AKIDIDENTITYTEST', secretAccessKey: 'identity-secret', sessionToken: 'token-1' });
      expect(id.credentials.expiration?.getTime()).toBe(expires.getTime());
    } finally {
      t.destroy();
    }
  });

  it("a lane's client uses the Region and the latest credentials it is handed, not the environment's", async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDFROMENVIRONMENT', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_REGION: 'us-west-2' });
    let current = { accessKeyId: 'AKIDHANDEDTOLANE', secretAccessKey: 'lane-secret', expiration: new Date(Date.now() + 60_000) };
    const t = new EbsDirectTransport({ kind: 'ebs', endpointUrl: 'http://127.0.0.1:9' }, { region: 'ap-south-1', credentials: async () => current });
    try {
      expect(await t.identity()).toMatchObject({ region: 'ap-south-1', credentials: { accessKeyId: 'AKIDHANDEDTOLANE' } });
      // Credentials near their expiry are asked for again: the refreshed ones the worker forwarded are used.
      current = { accessKeyId: 'AKIDREFRESHED', secretAccessKey: 'lane-secret-2', expiration: new Date(Date.now() + 3_600_000) };
      expect((await t.identity()).credentials.accessKeyId).toBe('AKIDREFRESHED');
    } finally {
      t.destroy();
    }
  });
});
