import type { z } from 'zod';
import {
  ApiError,
  ContractError,
  NetworkError,
  fieldErrorsOf,
  type ProblemDetails,
} from './errors';

export type Query = Record<
  string,
  string | number | boolean | undefined | null | readonly string[]
>;

export interface RequestOptions<S extends z.ZodType> {
  /** The contract schema the response body must satisfy. */
  schema: S;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Non-2xx statuses whose body is still a contract document (e.g. ready's 503). */
  acceptStatuses?: readonly number[];
}

export interface ApiClientOptions {
  /** Backend origin, e.g. https://api.example.com. `/api/v1` is part of each path. */
  baseUrl: string;
  /** Returns the current access token (or null when signed out). */
  getToken: () => Promise<string | null> | string | null;
  /** Called once per 401 so the app can drop the session and show the login page. */
  onUnauthorized?: () => void;
  fetchImpl?: typeof fetch;
}

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const url = new URL(`${baseUrl}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v));
    else url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/**
 * The typed fetch client: adds the bearer token, parses every 2xx body with its contract
 * schema, and turns problem+json into {@link ApiError} with field errors.
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async request<S extends z.ZodType>(
    method: string,
    path: string,
    { schema, query, body, signal, acceptStatuses = [] }: RequestOptions<S>,
  ): Promise<z.infer<S>> {
    const token = await this.options.getToken();
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const fetchImpl = this.options.fetchImpl ?? fetch;

    let response: Response;
    try {
      response = await fetchImpl(buildUrl(this.baseUrl, path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new NetworkError(`Could not reach the API (${method} ${path})`, { cause });
    }

    if (!response.ok && !acceptStatuses.includes(response.status)) {
      const problem = await readProblem(response);
      if (response.status === 401) this.options.onUnauthorized?.();
      throw new ApiError(response.status, problem, fieldErrorsOf(problem));
    }

    const data: unknown = response.status === 204 ? undefined : await readJson(response);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new ContractError(
        `${method} ${path}`,
        parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      );
    }
    return parsed.data;
  }

  get<S extends z.ZodType>(path: string, schema: S, query?: Query, signal?: AbortSignal) {
    return this.request('GET', path, { schema, query, signal });
  }
  post<S extends z.ZodType>(path: string, schema: S, body?: unknown) {
    return this.request('POST', path, { schema, body });
  }
  patch<S extends z.ZodType>(path: string, schema: S, body?: unknown) {
    return this.request('PATCH', path, { schema, body });
  }
  put<S extends z.ZodType>(path: string, schema: S, body?: unknown) {
    return this.request('PUT', path, { schema, body });
  }
  delete<S extends z.ZodType>(path: string, schema: S) {
    return this.request('DELETE', path, { schema });
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readProblem(response: Response): Promise<ProblemDetails> {
  const body = await readJson(response).catch(() => undefined);
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    return { status: response.status, ...(body as ProblemDetails) };
  }
  return {
    status: response.status,
    title: response.statusText || `HTTP ${response.status}`,
    ...(typeof body === 'string' && body ? { detail: body.slice(0, 300) } : {}),
  };
}
