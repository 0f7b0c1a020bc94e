/**
 * Typed errors for the API client. The backend answers every error as RFC 9457 problem
 * details (`application/problem+json`); a 400 names the fields that failed validation.
 */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** Field path (dot-joined, e.g. `name` or `proxy.port`) to its messages. */
export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly problem: ProblemDetails;
  readonly fieldErrors: FieldErrors;

  constructor(status: number, problem: ProblemDetails, fieldErrors: FieldErrors = {}) {
    super(problem.detail ?? problem.title ?? `Request failed with HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.fieldErrors = fieldErrors;
  }

  get isValidation(): boolean {
    return this.status === 400 || this.status === 422;
  }
}

/** The network could not be reached at all (offline, DNS, CORS, aborted). */
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

function pathToKey(path: unknown): string | undefined {
  let key: string | undefined;
  if (Array.isArray(path)) key = path.map(String).join('.');
  else if (typeof path === 'string') {
    // JSON pointer (`/name/0`) or a dotted path.
    key = path.startsWith('/') ? path.slice(1).split('/').join('.') : path;
  }
  if (key === undefined) return undefined;
  // The backend prefixes where the field was: `body.name`, `query.sort`, `path.id`. A form
  // only sends a body, so `body.` is dropped; `body` alone (malformed JSON) is form-level.
  if (key === 'body') return '_form';
  return key.startsWith('body.') ? key.slice(5) : key;
}

function add(into: FieldErrors, key: string | undefined, message: unknown) {
  if (key === undefined || typeof message !== 'string') return;
  (into[key] ??= []).push(message);
}

/**
 * Pulls field errors out of a problem document. Accepts the shapes in common use:
 * `errors: [{ path|pointer|field|name, message|detail }]`, `errors: { field: msg | msg[] }`,
 * and `invalid_params: [{ name, reason }]` (the RFC 9457 example).
 */
export function fieldErrorsOf(problem: ProblemDetails): FieldErrors {
  const out: FieldErrors = {};
  for (const listKey of ['errors', 'issues', 'invalid_params', 'invalidParams', 'fields']) {
    const list = problem[listKey];
    if (Array.isArray(list)) {
      for (const item of list) {
        if (!item || typeof item !== 'object') continue;
        const entry = item as Record<string, unknown>;
        const key = pathToKey(entry.path ?? entry.pointer ?? entry.field ?? entry.name);
        add(out, key === '' ? '_form' : key, entry.message ?? entry.detail ?? entry.reason);
      }
    } else if (list && typeof list === 'object') {
      for (const [key, value] of Object.entries(list as Record<string, unknown>)) {
        if (Array.isArray(value)) value.forEach((v) => add(out, key, v));
        else add(out, key, value);
      }
    }
  }
  return out;
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const title = error.problem.title ?? `HTTP ${error.status}`;
    return error.problem.detail && error.problem.detail !== title
      ? `${title}: ${error.problem.detail}`
      : title;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
