import http from 'node:http';
import net from 'node:net';

/**
 * One loopback endpoint for a client that has a single endpoint override for EBS, EC2 and S3 (`mwb replicate
 * --endpoint-url`, the app's endpoint override): the bucket's paths (path-style S3) go to the S3 peer (radosgw),
 * everything else to the fake EBS/EC2. The Host header is passed on as signed (radosgw checks SigV4 against it).
 */
export interface S3Ec2Router {
  readonly url: string;
  /** Every request routed to S3, in order. */
  readonly s3Requests: Array<{ method: string; url: string }>;
  /** Sees each S3 request first; it may kill the client before it is answered, or answer it itself (return true). */
  beforeS3?: ((method: string, url: string, res: http.ServerResponse) => Promise<boolean | void>) | undefined;
  close(): Promise<void>;
}

export async function startS3Ec2Router(bucket: string, s3Url: string, ec2Url: string): Promise<S3Ec2Router> {
  const s3Target = new URL(s3Url);
  const ec2Target = new URL(ec2Url);
  const s3Requests: Array<{ method: string; url: string }> = [];
  const server = http.createServer(async (req, res) => {
    const toS3 = (req.url ?? '').startsWith(`/${bucket}`);
    if (toS3) s3Requests.push({ method: req.method ?? '', url: req.url ?? '' });
    if (toS3 && (await router.beforeS3?.(req.method ?? '', req.url ?? '', res))) return;
    const to = toS3 ? s3Target : ec2Target;
    const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.on('error', () => up.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const router: S3Ec2Router = {
    url: `http://127.0.0.1:${port}`,
    s3Requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return router;
}
