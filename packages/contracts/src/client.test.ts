import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { z } from 'zod';
import {
  ApiClient,
  ApiError,
  ContractError,
  NetworkError,
  buildUrl,
  endpointPath,
  type CallOptions,
} from './client.ts';
import { endpoints } from './endpoints.ts';
import type { Bot, BotCreate } from './bots.ts';
import type { Problem } from './common.ts';

const ORIGIN = 'https://api.example.test';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A client whose fetch answers `reply` and records what was sent. */
function clientAnswering(reply: () => Response, onUnauthorized = vi.fn()) {
  const sent: Sent[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({
      url,
      method: String(init.method),
      headers: init.headers as Record<string, string>,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    return reply();
  }) as typeof fetch;
  const api = new ApiClient({
    baseUrl: `${ORIGIN}/`,
    getToken: () => 'tok',
    onUnauthorized,
    fetchImpl,
  });
  return { api, sent };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' },
  });

const bot = {
  id: 'b1',
  legacy_id: null,
  name: 'runner',
  status: 'idle',
  project: 'wow_tbc',
  vm_name: null,
  character: null,
  tags: [],
  last_seen_at: null,
  created_at: '2025-01-02T03:04:05.678Z',
  updated_at: '2025-01-02T03:04:05.678Z',
};

describe('ApiClient.call', () => {
  it('fills path parameters, encoded, and sends method, token and JSON body', async () => {
    const { api, sent } = clientAnswering(() => json(bot));
    await api.call(endpoints.updateBots, { params: { id: 'a/b c' }, body: { name: 'x' } });
    expect(sent[0]).toMatchObject({
      url: `${ORIGIN}/api/v1/bots/a%2Fb%20c`,
      method: 'PATCH',
      body: { name: 'x' },
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    });
  });

  it('serialises the query: blanks left out, arrays repeated, numbers and booleans as text', async () => {
    const { api, sent } = clientAnswering(() => json({ items: [], next_cursor: null }));
    await api.call(endpoints.listBots, {
      query: { tag: 'a&b c', project: '', limit: 20, cursor: undefined },
    });
    const url = new URL(sent[0]!.url);
    expect(url.pathname).toBe('/api/v1/bots');
    expect(url.search).toBe('?tag=a%26b+c&limit=20');
    expect(url.searchParams.has('project')).toBe(false);
    expect(buildUrl(ORIGIN, '/x', { status: ['idle', 'running'], on: true })).toBe(
      `${ORIGIN}/x?status=idle&status=running&on=true`,
    );
  });

  it('returns the body parsed by the endpoint response schema, and nothing for 204', async () => {
    await expect(
      clientAnswering(() => json(bot)).api.call(endpoints.getBots, { params: { id: 'b1' } }),
    ).resolves.toEqual(bot);
    await expect(
      clientAnswering(() => new Response(null, { status: 204 })).api.call(endpoints.deleteBots, {
        params: { id: 'b1' },
      }),
    ).resolves.toBeUndefined();
  });

  it('turns a body that breaks the contract into a ContractError naming the field', async () => {
    const { api } = clientAnswering(() => json({ ...bot, status: 'flying' }));
    const error = await api.call(endpoints.getBots, { params: { id: 'b1' } }).catch((e) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).path).toBe('GET /api/v1/bots/b1');
    expect((error as ContractError).issues[0]).toMatch(/^status: /);
  });

  it("turns a success status other than the contract's into a ContractError", async () => {
    const created = clientAnswering(() => json(bot, 200)).api.call(endpoints.createBots, {
      body: { name: 'x', project: 'wow_tbc' },
    });
    await expect(created).rejects.toThrow(/status 200, the contract's is 201/);
    const deleted = clientAnswering(() => json(bot, 200)).api.call(endpoints.deleteBots, {
      params: { id: 'b1' },
    });
    await expect(deleted).rejects.toBeInstanceOf(ContractError);
  });

  it('turns problem+json into one ApiError with the problem and its field errors', async () => {
    const problem: Problem = {
      type: 'urn:problem:bot-mox:validation',
      title: 'Invalid request',
      status: 400,
      detail: 'The request has invalid fields.',
      request_id: 'req-1',
      errors: [
        { field: 'body.name', message: 'required' },
        { field: 'body.character.level', message: 'too high' },
        { field: 'body', message: 'malformed JSON' },
        { field: 'query.sort', message: 'unknown sort' },
      ],
    };
    const { api } = clientAnswering(() => json(problem, 400));
    const error = (await api
      .call(endpoints.createBots, { body: { name: 'x', project: 'wow_tbc' } })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.isValidation).toBe(true);
    expect(error.problem).toEqual(problem);
    expect(error.fieldErrors).toEqual({
      name: ['required'],
      'character.level': ['too high'],
      _form: ['malformed JSON'],
      'query.sort': ['unknown sort'],
    });
  });

  it('keeps the answer it came from: headers, and the text with fields the schema strips', async () => {
    const sent = {
      type: 'about:blank',
      title: 'Boom',
      status: 500,
      request_id: 'r-9',
      stack: 'at x.ts:1',
    };
    const { api } = clientAnswering(
      () =>
        new Response(JSON.stringify(sent), {
          status: 500,
          headers: { 'content-type': 'application/problem+json', 'x-request-id': 'r-9' },
        }),
    );
    const error = (await api.call(endpoints.botStats).catch((e: unknown) => e)) as ApiError;
    expect(error.problem).not.toHaveProperty('stack');
    expect(error.response?.text).toBe(JSON.stringify(sent));
    expect(error.response?.status).toBe(500);
    expect(error.response?.headers.get('x-request-id')).toBe('r-9');
    expect(error.response?.headers.get('content-type')).toBe('application/problem+json');
  });

  it('makes a problem of an answer that is not one, and reports a 401 to onUnauthorized', async () => {
    const onUnauthorized = vi.fn();
    const { api } = clientAnswering(
      () => new Response('nope', { status: 401, statusText: 'Unauthorized' }),
      onUnauthorized,
    );
    const error = (await api.call(endpoints.botStats).catch((e: unknown) => e)) as ApiError;
    expect(error.problem).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'nope' });
    expect(error.fieldErrors).toEqual({});
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('accepts a listed non-2xx status as the document (ready answers 503 with its checks)', async () => {
    const ready = { status: 'not_ready', checks: { database: { ok: false } } };
    const { api } = clientAnswering(() => json(ready, 503));
    const call = api.call(endpoints.healthReady, { acceptStatuses: [503] });
    await expect(call).resolves.toMatchObject({ status: 'not_ready' });
  });

  it('wraps a network failure in NetworkError', async () => {
    const api = new ApiClient({
      baseUrl: ORIGIN,
      fetchImpl: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(api.call(endpoints.health)).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('endpointPath', () => {
  it('names a missing path parameter at run time too', () => {
    expect(() => endpointPath(endpoints.getBots, {})).toThrow(/"id" is missing/);
    expect(endpointPath(endpoints.getSettings, { section: 'ui' })).toBe('/api/v1/settings/ui');
  });
});

describe('types inferred from the endpoint table', () => {
  const api = new ApiClient({ baseUrl: ORIGIN });

  it('infers the response', () => {
    // Functions, not calls: only their types are looked at.
    const get = () => api.call(endpoints.getBots, { params: { id: 'b1' } });
    const remove = () => api.call(endpoints.deleteBots, { params: { id: 'b1' } });
    expectTypeOf(get).returns.resolves.toEqualTypeOf<Bot>();
    expectTypeOf(remove).returns.resolves.toBeVoid();
    expectTypeOf<CallOptions<typeof endpoints.createBots>['body']>().toEqualTypeOf<
      z.input<typeof BotCreate>
    >();
  });

  it('rejects a wrong body, a missing body and a missing path parameter at compile time', () => {
    // Each call is only type-checked (by `pnpm typecheck`), never sent.
    const never = () => {
      // @ts-expect-error: `level` is not a field of a bot
      void api.call(endpoints.createBots, { body: { name: 'x', project: 'wow_tbc', level: 3 } });
      // @ts-expect-error: name must be a string
      void api.call(endpoints.createBots, { body: { name: 1, project: 'wow_tbc' } });
      // @ts-expect-error: create takes a body
      void api.call(endpoints.createBots);
      // @ts-expect-error: get needs the id path parameter
      void api.call(endpoints.getBots);
      // @ts-expect-error: get needs the id path parameter
      void api.call(endpoints.getBots, { params: {} });
      // @ts-expect-error: list takes no path parameter
      void api.call(endpoints.listBots, { params: { id: 'b1' } });
      // @ts-expect-error: no such query field
      void api.call(endpoints.listBots, { query: { colour: 'red' } });
    };
    expect(typeof never).toBe('function');
  });
});
