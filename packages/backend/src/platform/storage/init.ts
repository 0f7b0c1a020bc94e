// `cli storage:init`: makes the artifacts bucket exist and private, lets the app's origin PUT and
// GET through presigned URLs (CORS), and aborts abandoned multipart uploads (lifecycle). Every
// step reads the current state first and writes only what differs, so a second run changes
// nothing and says so. Steps a server doesn't implement are reported and skipped.
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteBucketPolicyCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketAclCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type CORSRule,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { httpStatusOf } from './s3.ts';

export interface StorageInitOptions {
  client: S3Client;
  bucket: string;
  region: string;
  /** Browser origins allowed to PUT/GET with presigned URLs (e.g. https://app.localhost). */
  appOrigins: string[];
  log: (line: string) => void;
}

export interface StorageInitResult {
  changed: string[];
  unchanged: string[];
  unsupported: string[];
}

const NOT_IMPLEMENTED = new Set(['NotImplemented', 'MethodNotAllowed', 'NotSupported']);
const errName = (err: unknown) => (err as { name?: string; Code?: string }).name ?? '';
const isNotImplemented = (err: unknown) =>
  NOT_IMPLEMENTED.has(errName(err)) || httpStatusOf(err) === 501;
/** A "there is none" answer to a Get*: 404 with a NoSuch* code. */
const isAbsent = (err: unknown) => httpStatusOf(err) === 404 || /^NoSuch/.test(errName(err));

const PAB_FULL = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};
const PAB_WITHOUT_BLOCK_ACLS = { ...PAB_FULL, BlockPublicAcls: false };
const PROBE_KEY = '.bot-mox-storage-init-probe';

/** Whether the credentials can still write (and delete) an object in the bucket. */
async function canWrite(client: S3Client, bucket: string): Promise<boolean> {
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: PROBE_KEY,
        Body: new Uint8Array(0),
        ContentLength: 0,
      }),
    );
  } catch (err) {
    if (httpStatusOf(err) === 403) return false;
    throw err;
  }
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: PROBE_KEY }));
  return true;
}

export const LIFECYCLE_RULE_ID = 'bot-mox-abort-incomplete-multipart';
export const ABORT_MULTIPART_AFTER_DAYS = 1;

export function corsRules(origins: string[]): CORSRule[] {
  return [
    {
      ID: 'bot-mox-app',
      AllowedOrigins: [...origins].sort(),
      AllowedMethods: ['GET', 'HEAD', 'PUT'],
      AllowedHeaders: ['content-type', 'x-amz-checksum-sha256'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 3600,
    },
  ];
}

const norm = (v: readonly string[] | undefined) =>
  [...(v ?? [])].map((s) => s.toLowerCase()).sort();

function sameCors(a: CORSRule[] | undefined, b: CORSRule[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((r, i) => {
    const w = b[i]!;
    return (
      JSON.stringify(norm(r.AllowedOrigins)) === JSON.stringify(norm(w.AllowedOrigins)) &&
      JSON.stringify(norm(r.AllowedMethods)) === JSON.stringify(norm(w.AllowedMethods)) &&
      JSON.stringify(norm(r.AllowedHeaders)) === JSON.stringify(norm(w.AllowedHeaders)) &&
      JSON.stringify(norm(r.ExposeHeaders)) === JSON.stringify(norm(w.ExposeHeaders)) &&
      (r.MaxAgeSeconds ?? 0) === (w.MaxAgeSeconds ?? 0)
    );
  });
}

const PUBLIC_GRANTEES = [
  'http://acs.amazonaws.com/groups/global/AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
];

/** A bucket policy statement that allows anyone (Principal "*"). */
export function policyIsPublic(policy: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return true; // unreadable: treat as public, it gets removed
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((s) => {
    const st = s as { Effect?: string; Principal?: unknown } | undefined;
    if (!st || st.Effect !== 'Allow') return false;
    const p = st.Principal;
    if (p === '*') return true;
    const aws = (p as { AWS?: unknown } | undefined)?.AWS;
    return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
  });
}

export async function initStorage(o: StorageInitOptions): Promise<StorageInitResult> {
  const { client, bucket, log } = o;
  const result: StorageInitResult = { changed: [], unchanged: [], unsupported: [] };
  const changed = (what: string) => {
    result.changed.push(what);
    log(`${what}: done`);
  };
  const unchanged = (what: string) => {
    result.unchanged.push(what);
    log(`${what}: already so (unchanged)`);
  };
  const unsupported = (what: string, err: unknown) => {
    result.unsupported.push(what);
    log(
      `${what}: not implemented by this S3 server (${errName(err) || 'NotImplemented'}); skipped`,
    );
  };

  // 1. The bucket.
  let exists = true;
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (httpStatusOf(err) !== 404) throw err;
    exists = false;
  }
  if (exists) unchanged(`bucket ${bucket} exists`);
  else {
    await client.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(o.region && o.region !== 'us-east-1'
          ? { CreateBucketConfiguration: { LocationConstraint: o.region as never } }
          : {}),
      }),
    );
    changed(`bucket ${bucket} created`);
  }

  // 2. Public access block (before ACL/policy, so nothing can make it public meanwhile).
  //    Ceph RGW 18.2 denies even the owner's plain PutObject once BlockPublicAcls is on; there
  //    the block keeps BlockPublicAcls off and relies on IgnorePublicAcls (public ACLs have no
  //    effect), and a write probe tells the two apart.
  try {
    let current: Record<string, boolean | undefined> | undefined;
    try {
      current = (await client.send(new GetPublicAccessBlockCommand({ Bucket: bucket })))
        .PublicAccessBlockConfiguration as Record<string, boolean | undefined> | undefined;
    } catch (err) {
      if (!isAbsent(err)) throw err;
    }
    const matches = (want: Record<string, boolean>) =>
      Boolean(current) && Object.entries(want).every(([k, v]) => Boolean(current?.[k]) === v);
    if (matches(PAB_FULL) && (await canWrite(client, bucket))) {
      unchanged('public access blocked');
    } else if (matches(PAB_WITHOUT_BLOCK_ACLS)) {
      unchanged('public access blocked (public ACLs ignored; BlockPublicAcls off for this server)');
    } else {
      await client.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: PAB_FULL,
        }),
      );
      if (await canWrite(client, bucket)) changed('public access blocked');
      else {
        await client.send(
          new PutPublicAccessBlockCommand({
            Bucket: bucket,
            PublicAccessBlockConfiguration: PAB_WITHOUT_BLOCK_ACLS,
          }),
        );
        if (!(await canWrite(client, bucket)))
          throw new Error(`cannot write to bucket ${bucket} even without BlockPublicAcls`);
        changed(
          'public access blocked (public ACLs ignored; BlockPublicAcls off: this server denies the owner’s writes with it)',
        );
      }
    }
  } catch (err) {
    if (!isNotImplemented(err)) throw err;
    unsupported('public access block', err);
  }

  // 3. ACL: private (only the owner's grant).
  try {
    const acl = await client.send(new GetBucketAclCommand({ Bucket: bucket }));
    const publicGrant = (acl.Grants ?? []).some((g) =>
      PUBLIC_GRANTEES.includes(g.Grantee?.URI ?? ''),
    );
    if (!publicGrant) unchanged('bucket ACL private');
    else {
      await client.send(new PutBucketAclCommand({ Bucket: bucket, ACL: 'private' }));
      changed('bucket ACL reset to private');
    }
  } catch (err) {
    if (!isNotImplemented(err)) throw err;
    unsupported('bucket ACL', err);
  }

  // 4. Policy: none that allows anyone.
  try {
    let policy: string | undefined;
    try {
      policy = (await client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
    } catch (err) {
      if (!isAbsent(err)) throw err;
    }
    if (!policy || !policyIsPublic(policy)) unchanged('no public bucket policy');
    else {
      await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
      changed('public bucket policy removed');
    }
  } catch (err) {
    if (!isNotImplemented(err)) throw err;
    unsupported('bucket policy', err);
  }

  // 5. CORS for the app's origin(s).
  if (o.appOrigins.length === 0) {
    log('CORS: APP_ORIGIN is not set; no rule written (browsers cannot use presigned URLs)');
  } else {
    const want = corsRules(o.appOrigins);
    try {
      let current: CORSRule[] | undefined;
      try {
        current = (await client.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules;
      } catch (err) {
        if (!isAbsent(err)) throw err;
      }
      if (sameCors(current, want)) unchanged(`CORS for ${o.appOrigins.join(', ')}`);
      else {
        await client.send(
          new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: want } }),
        );
        changed(`CORS for ${o.appOrigins.join(', ')}`);
      }
    } catch (err) {
      if (!isNotImplemented(err)) throw err;
      unsupported('CORS', err);
    }
  }

  // 6. Lifecycle: abort incomplete multipart uploads (keeps any other rules).
  try {
    let rules: LifecycleRule[] = [];
    try {
      rules =
        (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ??
        [];
    } catch (err) {
      if (!isAbsent(err)) throw err;
    }
    const ours = rules.find((r) => r.ID === LIFECYCLE_RULE_ID);
    if (
      ours &&
      ours.Status === 'Enabled' &&
      ours.AbortIncompleteMultipartUpload?.DaysAfterInitiation === ABORT_MULTIPART_AFTER_DAYS
    ) {
      unchanged(
        `lifecycle: abort incomplete multipart uploads after ${ABORT_MULTIPART_AFTER_DAYS} day`,
      );
    } else {
      const rule: LifecycleRule = {
        ID: LIFECYCLE_RULE_ID,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_MULTIPART_AFTER_DAYS },
      };
      await client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: {
            Rules: [...rules.filter((r) => r.ID !== LIFECYCLE_RULE_ID), rule],
          },
        }),
      );
      changed(
        `lifecycle: abort incomplete multipart uploads after ${ABORT_MULTIPART_AFTER_DAYS} day`,
      );
    }
  } catch (err) {
    if (!isNotImplemented(err)) throw err;
    unsupported('lifecycle rules', err);
  }

  return result;
}
