// A small HTTPS client for the Node side (setup, seeding, checks in specs) that trusts exactly
// Caddy's internal root: no "ignore certificate errors" anywhere.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import { ROOT_CERT } from './env';

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  token?: string;
  timeoutMs?: number;
  /** The CA to trust; Caddy's root by default (once the setup fetched it). */
  ca?: string;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * Browsers resolve every `*.localhost` to loopback by themselves (RFC 6761); Node asks the
 * system resolver, which usually doesn't. Do as browsers do, and only for `.localhost`.
 */
function localhostLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback) {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  dnsLookup(hostname, options, callback as never);
}

let cachedCa: string | undefined;
function caddyRoot(): string | undefined {
  if (cachedCa) return cachedCa;
  if (existsSync(ROOT_CERT)) cachedCa = readFileSync(ROOT_CERT, 'utf8');
  return cachedCa;
}
/** Forget the cached root (the setup fetches a new one after the stack was recreated). */
export function resetCa() {
  cachedCa = undefined;
}

export function http(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const { method = 'GET', token, timeoutMs = 15_000 } = options;
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    payload = Buffer.isBuffer(options.body)
      ? options.body
      : Buffer.from(JSON.stringify(options.body));
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(payload.length);
  }
  if (token) headers.authorization = `Bearer ${token}`;
  const ca = options.ca ?? caddyRoot();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        headers,
        ...(ca ? { ca } : {}),
        timeout: timeoutMs,
        lookup: localhostLookup as never,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: () => body.toString('utf8'),
            json: <T>() => JSON.parse(body.toString('utf8')) as T,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** JSON call that must succeed (2xx); the error names the request and the problem body. */
export async function api<T = unknown>(url: string, options: HttpOptions = {}): Promise<T> {
  const res = await http(url, options);
  if (res.status < 200 || res.status >= 300) {
    throw new Error(
      `${options.method ?? 'GET'} ${url}: HTTP ${res.status} ${res.text().slice(0, 500)}`,
    );
  }
  return (res.status === 204 || res.body.length === 0 ? undefined : res.json()) as T;
}

/**
 * `fetch` over {@link http}, for the contracts' ApiClient: the same trust of Caddy's root and
 * the same `.localhost` lookup, which Node's own fetch has neither of.
 */
export const httpFetch: typeof fetch = async (input, init = {}) => {
  const res = await http(String(input), {
    method: init.method,
    headers: init.headers as Record<string, string>,
    body:
      init.body === undefined || init.body === null ? undefined : Buffer.from(String(init.body)),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, v);
    }
  }
  const empty = res.status === 204 || res.status === 304;
  return new Response(empty ? null : new Uint8Array(res.body), { status: res.status, headers });
};

export const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
