// The typed /api/v1 client, built on the endpoint table: `call(endpoints.getBots, { params })`
// infers the path parameters, query, body and response from the entry, validates every 2xx body
// with the entry's response schema, and turns every error into one ApiError carrying the
// problem+json document the server sends. No React, no Node-only APIs: the frontend, the e2e
// support code and the acceptance tests all use it (`@bot-mox/contracts/client`).
import type { z } from 'zod';
import { Problem } from './common.ts';
import { API_PREFIX, type Endpoint } from './endpoints.ts';

/** What a query string may carry; undefined, null and '' are left out, arrays repeat the key. */
export type QueryValue = string | number | boolean | undefined | null | readonly string[];

type ParamsOf<E> = E extends { params: infer P extends z.ZodType } ? z.input<P> : undefined;
type QueryOf<E> = E extends { query: infer Q extends z.ZodType } ? z.input<Q> : undefined;
type BodyOf<E> = E extends { body: infer B extends z.ZodType } ? z.input<B> : undefined;

/** The success body of an endpoint (after its schema's parsing); void for 204. */
export type ResponseOf<E> = E extends { response: infer R extends z.ZodType } ? z.output<R> : void;
/** The request body an endpoint takes. */
export type RequestBodyOf<E> = BodyOf<E>;
/** The query an endpoint takes. */
export type RequestQueryOf<E> = QueryOf<E>;

export type CallOptions<E extends Endpoint> = (ParamsOf<E> extends undefined
  ? { params?: undefined }
  : { params: ParamsOf<E> }) &
  (BodyOf<E> extends undefined ? { body?: undefined } : { body: BodyOf<E> }) &
  (QueryOf<E> extends undefined ? { query?: undefined } : { query?: QueryOf<E> }) & {
    signal?: AbortSignal;
    /** Non-2xx statuses whose body is still the endpoint's document (e.g. ready's 503). */
    acceptStatuses?: readonly number[];
  };

/** The options argument is optional only where nothing in it is required. */
export type CallArgs<E extends Endpoint> =
  Record<string, never> extends CallOptions<E>
    ? [options?: CallOptions<E>]
    : [options: CallOptions<E>];

export interface ApiClientOptions {
  /** Backend origin, e.g. https://api.example.com; the endpoint's /api/v1 path is appended. */
  baseUrl: string;
  /** The current access token, or null when signed out. */
  getToken?: () => Promise<string | null> | string | null;
  /** Called on every 401 so an app can drop the session. */
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
}

/** What an error answer carried besides its problem: for headers and for checks on the raw text. */
export interface AnswerSeen {
  status: number;
  headers: Headers;
  text: string;
}

/** Field path (dot-joined, e.g. `name` or `character.level`) to its messages. */
export type FieldErrors = Record<string, string[]>;

/**
 * Any non-2xx answer. `problem` is the server's RFC 9457 document; an answer that is not one
 * (a proxy's HTML page, a bare 401) gets one made from its status line and text.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly problem: Problem;
  readonly fieldErrors: FieldErrors;
  /** The answer as it came (headers such as x-request-id, the body's text), when there was one. */
  readonly response: AnswerSeen | undefined;

  constructor(problem: Problem, response?: AnswerSeen) {
    super(problem.detail ?? problem.title);
    this.status = problem.status;
    this.problem = problem;
    this.fieldErrors = fieldErrorsOf(problem);
    this.response = response;
  }

  get isValidation(): boolean {
    return this.status === 400 || this.status === 422;
  }
}

/** The network could not be reached at all (offline, DNS, CORS, TLS). */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

/** The server answered 2xx but the body does not match the contract: contract drift. */
export class ContractError extends Error {
  override name = 'ContractError';
  readonly path: string;
  readonly issues: string[];
  constructor(path: string, issues: string[]) {
    super(
      `The response from ${path} does not match the API contract: ${issues.slice(0, 3).join('; ')}`,
    );
    this.path = path;
    this.issues = issues;
  }
}

/**
 * The server names fields by where they were (`body.name`, `query.sort`, `path.id`). A form only
 * sends a body, so `body.` is dropped, and `body` alone (malformed JSON) is form-level (`_form`).
 */
export function fieldErrorsOf(problem: Problem): FieldErrors {
  const out: FieldErrors = {};
  for (const { field, message } of problem.errors ?? []) {
    const key = field === 'body' || field === '' ? '_form' : field.replace(/^body\./, '');
    (out[key] ??= []).push(message);
  }
  return out;
}

/** A one-line message for a person. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const { title, detail } = error.problem;
    return detail && detail !== title ? `${title}: ${detail}` : title;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The endpoint's path below the origin, its `:name` segments filled in and encoded. */
export function endpointPath(endpoint: Pick<Endpoint, 'path'>, params?: object): string {
  const values = (params ?? {}) as Record<string, unknown>;
  const filled = endpoint.path.replace(/:([A-Za-z_]\w*)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`${endpoint.path}: path parameter "${name}" is missing`);
    }
    return encodeURIComponent(String(value));
  });
  return `${API_PREFIX}${filled}`;
}

export function buildUrl(baseUrl: string, path: string, query?: object): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, QueryValue>)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((v: string) => url.searchParams.append(key, v));
    else url.searchParams.set(key, String(value));
  }
  return url.toString();
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** The absolute URL of a call, for links and for clients other than fetch. */
  url<E extends Endpoint>(endpoint: E, ...[options]: CallArgs<E>): string {
    return buildUrl(this.baseUrl, endpointPath(endpoint, options?.params), options?.query);
  }

  async call<E extends Endpoint>(endpoint: E, ...[options]: CallArgs<E>): Promise<ResponseOf<E>> {
    const { body, signal, acceptStatuses = [] } = options ?? {};
    const method = endpoint.method.toUpperCase();
    const url = this.url(endpoint, ...([options] as CallArgs<E>));
    const what = `${method} ${new URL(url).pathname}`;
    const token = await this.options.getToken?.();
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await (this.options.fetchImpl ?? fetch)(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (cause) {
      if (cause instanceof Error && cause.name === 'AbortError') throw cause;
      throw new NetworkError(`Could not reach the API (${what})`, { cause });
    }

    if (!response.ok && !acceptStatuses.includes(response.status)) {
      // The body first: onUnauthorized may cancel every request in flight, this one included.
      const text = await response.text().catch(() => '');
      const problem = problemOf(response, parseBody(text));
      if (response.status === 401) this.options.onUnauthorized?.();
      throw new ApiError(problem, { status: response.status, headers: response.headers, text });
    }

    // Another 2xx than the table's (200 for a create, 200 for a delete) is drift too.
    if (response.ok && response.status !== endpoint.status) {
      throw new ContractError(what, [
        `status ${response.status}, the contract's is ${endpoint.status}`,
      ]);
    }
    const data = response.status === 204 ? undefined : parseBody(await response.text());
    if (endpoint.response === null) return undefined as ResponseOf<E>;
    const parsed = endpoint.response.safeParse(data);
    if (!parsed.success) {
      throw new ContractError(
        what,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      );
    }
    return parsed.data as ResponseOf<E>;
  }
}

/** JSON when the text is JSON, else the text itself (a proxy's page); undefined when empty. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function problemOf(response: Response, body: unknown): Problem {
  const parsed = Problem.safeParse(body);
  if (parsed.success) return parsed.data;
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    request_id: response.headers.get('x-request-id') ?? '',
    ...(typeof body === 'string' && body ? { detail: body.slice(0, 300) } : {}),
  };
}
