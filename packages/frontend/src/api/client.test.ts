import { HealthResponse } from '@bot-mox/contracts';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { health, validationProblem } from '../test/fixtures';
import { API, server } from '../test/server';
import { ApiClient } from './client';
import { ApiError, ContractError, fieldErrorsOf, NetworkError } from './errors';

const client = (onUnauthorized = vi.fn()) =>
  new ApiClient({ baseUrl: `${API}/`, getToken: () => 'tok', onUnauthorized });

describe('ApiClient', () => {
  it('parses a 2xx body with the contract schema', async () => {
    server.use(
      http.get(`${API}/api/v1/health`, () => HttpResponse.json(health({ version: '9.9.9' }))),
    );
    await expect(client().get('/api/v1/health', HealthResponse)).resolves.toMatchObject({
      version: '9.9.9',
    });
  });

  it('turns a body that breaks the contract into a ContractError naming the field', async () => {
    server.use(
      http.get(`${API}/api/v1/health`, () =>
        HttpResponse.json({ ...health(), data_backend: 'mongo' }),
      ),
    );
    const error = await client()
      .get('/api/v1/health', HealthResponse)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).issues[0]).toMatch(/^data_backend: /);
  });

  it('turns problem+json into an ApiError with field errors', async () => {
    server.use(
      http.post(`${API}/api/v1/bots`, () =>
        HttpResponse.json(
          validationProblem([
            { field: 'body.name', message: 'required' },
            { field: 'body.character.level', message: 'too high' },
            { field: 'body', message: 'malformed JSON' },
          ]),
          { status: 400 },
        ),
      ),
    );
    const error = (await client()
      .post('/api/v1/bots', HealthResponse, {})
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.isValidation).toBe(true);
    expect(error.fieldErrors).toEqual({
      name: ['required'],
      'character.level': ['too high'],
      _form: ['malformed JSON'],
    });
    expect(error.problem.request_id).toBe('req-test-1');
  });

  it('reports a 401 once to onUnauthorized', async () => {
    server.use(
      http.get(
        `${API}/api/v1/health`,
        () => new HttpResponse('nope', { status: 401, statusText: 'Unauthorized' }),
      ),
    );
    const onUnauthorized = vi.fn();
    const error = (await client(onUnauthorized)
      .get('/api/v1/health', HealthResponse)
      .catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(error.problem).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'nope' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('wraps a network failure in NetworkError', async () => {
    const offline = new ApiClient({
      baseUrl: API,
      getToken: () => null,
      fetchImpl: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(offline.get('/api/v1/health', HealthResponse)).rejects.toBeInstanceOf(
      NetworkError,
    );
  });
});

describe('fieldErrorsOf', () => {
  it('reads the other common shapes too', () => {
    expect(
      fieldErrorsOf({ invalid_params: [{ name: 'age', reason: 'must be positive' }] }),
    ).toEqual({ age: ['must be positive'] });
    expect(fieldErrorsOf({ errors: { name: ['a', 'b'], port: 'bad' } })).toEqual({
      name: ['a', 'b'],
      port: ['bad'],
    });
    expect(fieldErrorsOf({ errors: [{ pointer: '/tags/0', detail: 'too long' }] })).toEqual({
      'tags.0': ['too long'],
    });
  });
});
