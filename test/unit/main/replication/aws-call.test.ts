import { describe, expect, it } from 'vitest';
import { toTransportError } from '../../../../main/replication/transport/aws-call';

describe('toTransportError', () => {
  it('says in words that the endpoint could not be reached, with the system error, for a refused or reset connection', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toTransportError(refused)).toMatchObject({ code: 'network', message: 'cannot reach the endpoint: connect ECONNREFUSED 127.0.0.1:1' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toTransportError(reset)).toMatchObject({ code: 'network', message: 'cannot reach the endpoint: socket hang up' });
  });

  it("names the API's error and the HTTP status otherwise", () => {
    const gone = Object.assign(new Error('parent snapshot not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    expect(toTransportError(gone)).toMatchObject({ code: 'not-found', message: 'ResourceNotFoundException (HTTP 404): parent snapshot not found' });
    // EBS's throttling errors are HTTP 400 in its API model: throttled, not a refused request.
    for (const name of ['RequestThrottledException', 'ConcurrentLimitExceededException', 'ThrottlingException']) {
      const slow = Object.assign(new Error('Rate exceeded'), { name, $metadata: { httpStatusCode: 400 } });
      expect(toTransportError(slow)).toMatchObject({ code: 'throttled', message: `${name} (HTTP 400): Rate exceeded` });
    }
    const refused = Object.assign(new Error('bad'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(toTransportError(refused).code).toBe('validation');
    const slow429 = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
    expect(toTransportError(slow429).code).toBe('throttled');
    // An error without a system code and without a status is still a network failure, named as it is.
    expect(toTransportError(new TypeError('fetch failed'))).toMatchObject({ code: 'network', message: 'TypeError: fetch failed' });
  });
});
