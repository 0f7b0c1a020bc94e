// The S3 server the stack's tests use (S3_IMAGE; the Ceph RGW stand-in here, DESIGN §9) speaks
// plain S3 as the backend needs it: buckets, objects, multipart, SigV4 that is really checked,
// no anonymous access, presigned URLs that expire and cannot be re-pointed, and data that
// survives a restart.
import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type StartedS3 } from '../harness/s3.ts';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('S3 stand-in: plain S3 with real SigV4, private by default, persistent', () => {
  let s3: StartedS3;
  const bucket = `standin-${randomBytes(4).toString('hex')}`;

  /** A client on the current endpoint (a restart may change the mapped port). */
  const client = (overrides: Partial<S3ClientConfig> = {}) =>
    new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      ...overrides,
    });
  /** The client that presigns: no checksum the browser's request would not carry. */
  const presigner = () => client({ requestChecksumCalculation: 'WHEN_REQUIRED' });

  const readBody = async (key: string): Promise<Uint8Array> => {
    const out = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body!.transformToByteArray();
  };

  /** The S3 error a call fails with: its code and HTTP status. */
  const s3Error = async (call: Promise<unknown>) => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(S3ServiceException);
    const e = err as S3ServiceException;
    return { name: e.name, status: e.$metadata.httpStatusCode };
  };

  beforeAll(async () => {
    s3 = await startS3();
    await client().send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(async () => {
    await s3?.stop();
  });

  it('creates, heads and lists buckets', async () => {
    const c = client();
    const head = await c.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    const { Buckets } = await c.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toContain(bucket);
    expect(await s3Error(c.send(new HeadBucketCommand({ Bucket: `${bucket}-none` })))).toEqual({
      name: 'NotFound',
      status: 404,
    });
  });

  it('puts, gets, heads, lists and deletes objects', async () => {
    const c = client();
    const body = randomBytes(1024);
    const key = 'objects/one.bin';
    await c.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/octet-stream',
      }),
    );
    const head = await c.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(1024);
    expect(head.ContentType).toBe('application/octet-stream');
    expect(sha256(await readBody(key))).toBe(sha256(body));
    const list = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'objects/' }));
    expect(list.Contents?.map((o) => [o.Key, o.Size])).toEqual([[key, 1024]]);
    await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    expect(await s3Error(c.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).toEqual({
      name: 'NotFound',
      status: 404,
    });
  });

  it('reads back a 12 MiB multipart upload byte-identical', async () => {
    const c = client();
    const key = 'multipart/twelve.bin';
    const data = randomBytes(12 * 1024 * 1024);
    const partSize = 5 * 1024 * 1024;
    const { UploadId } = await c.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );
    const parts = [];
    for (let n = 1, at = 0; at < data.length; n++, at += partSize) {
      const { ETag } = await c.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: n,
          Body: data.subarray(at, at + partSize),
        }),
      );
      parts.push({ ETag, PartNumber: n });
    }
    expect(parts).toHaveLength(3);
    await c.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const back = await readBody(key);
    expect(back.length).toBe(data.length);
    expect(sha256(back)).toBe(sha256(data));
  });

  it('denies anonymous GET, list and PUT', async () => {
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'private.txt', Body: 'x' }));
    const base = `${s3.endpoint}/${bucket}`;
    expect((await fetch(`${base}/private.txt`)).status).toBe(403);
    expect((await fetch(`${base}?list-type=2`)).status).toBe(403);
    expect((await fetch(`${base}/anon.txt`, { method: 'PUT', body: 'anon' })).status).toBe(403);
    expect(
      await s3Error(client().send(new HeadObjectCommand({ Bucket: bucket, Key: 'anon.txt' }))),
    ).toEqual({ name: 'NotFound', status: 404 });
  });

  it('checks signatures: wrong secret and unknown key are denied', async () => {
    const wrongSecret = client({
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: `${s3.secretAccessKey}x` },
    });
    expect(await s3Error(wrongSecret.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    const unknownKey = client({
      credentials: { accessKeyId: 'AKUNKNOWN0000000000', secretAccessKey: s3.secretAccessKey },
    });
    expect(await s3Error(unknownKey.send(new ListObjectsV2Command({ Bucket: bucket })))).toEqual({
      name: 'InvalidAccessKeyId',
      status: 403,
    });
  });

  it('serves a presigned GET until it expires, and denies a tampered one', async () => {
    const body = randomBytes(2048);
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'signed/a.bin', Body: body }));
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'signed/b.bin', Body: 'b' }));
    const url = await getSignedUrl(
      presigner(),
      new GetObjectCommand({ Bucket: bucket, Key: 'signed/a.bin' }),
      { expiresIn: 2 },
    );
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(sha256(new Uint8Array(await ok.arrayBuffer()))).toBe(sha256(body));

    const tampered = url.replace('/signed/a.bin?', '/signed/b.bin?');
    expect(tampered).not.toBe(url);
    const denied = await fetch(tampered);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('SignatureDoesNotMatch');

    await sleep(3_000);
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('AccessDenied');
  });

  it('accepts a presigned PUT', async () => {
    const body = randomBytes(4096);
    const url = await getSignedUrl(
      presigner(),
      new PutObjectCommand({ Bucket: bucket, Key: 'signed/put.bin', ContentType: 'x-test/bin' }),
      { expiresIn: 60 },
    );
    expect(url).not.toContain('x-amz-checksum');
    const put = await fetch(url, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'x-test/bin' },
    });
    expect(put.status).toBe(200);
    const head = await client().send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'signed/put.bin' }),
    );
    expect(head.ContentType).toBe('x-test/bin');
    expect(sha256(await readBody('signed/put.bin'))).toBe(sha256(body));
  });

  it('keeps its data across a clean restart and a killed one', async () => {
    const body = randomBytes(64 * 1024);
    await client().send(new PutObjectCommand({ Bucket: bucket, Key: 'durable.bin', Body: body }));

    await s3.container.restart({ timeout: 10 }); // docker stop: SIGTERM, clean shutdown
    expect(sha256(await readBody('durable.bin'))).toBe(sha256(body));

    await s3.container.restart(); // SIGKILL: the OSD never said goodbye
    expect(sha256(await readBody('durable.bin'))).toBe(sha256(body));
    const { Buckets } = await client().send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toContain(bucket);
    const multipart = await client().send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'multipart/twelve.bin' }),
    );
    expect(multipart.ContentLength).toBe(12 * 1024 * 1024);
  });
});
