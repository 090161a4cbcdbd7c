import { TransportError } from './types';

/**
 * Runs one AWS SDK call and maps its error to a `TransportError` code. The message names the API's error and the
 * HTTP status, never request contents or credentials. Retries happened before this (the SDK's retry strategy).
 */
export async function awsCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toTransportError(err);
  }
}

export function toTransportError(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  const brief = !status && name === 'Error' && e.code ? `cannot reach the endpoint: ${(e.message ?? e.code).slice(0, 200)}` : `${name}${status ? ` (HTTP ${status})` : ''}: ${(e.message ?? '').slice(0, 200)}`;
  if (name === 'CredentialsProviderError' || name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnauthorizedOperation' || status === 403 || status === 401) return new TransportError('auth', brief);
  if (name === 'ResourceNotFoundException' || name === 'NoSuchUpload' || name === 'NoSuchKey' || name === 'NoSuchBucket' || /\.NotFound$/.test(name) || status === 404) return new TransportError('not-found', brief);
  // Before the HTTP 400 rule below: EBS answers RequestThrottledException and ConcurrentLimitExceededException with
  // HTTP 400 (its API model, in @aws-sdk/client-ebs), and a throttled call is not a refused request (a resumed run takes
  // a refused StartSnapshot or PutSnapshotBlock as its snapshot gone, and starts afresh).
  if (name === 'ThrottlingException' || name === 'RequestThrottledException' || name === 'ConcurrentLimitExceededException' || name === 'RequestLimitExceeded' || name === 'SlowDown' || status === 429) return new TransportError('throttled', brief);
  if (name === 'ValidationException' || name === 'InvalidParameterValue' || name === 'InvalidParameter' || name === 'InvalidPart' || status === 400) return new TransportError('validation', brief);
  if (!status) return new TransportError('network', brief);
  return new TransportError('unknown', brief);
}
