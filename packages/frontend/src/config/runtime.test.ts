import { describe, expect, it } from 'vitest';
import { DEV_DEFAULT_CONFIG, loadRuntimeConfig, RuntimeConfigError, wsUrlFor } from './runtime';

const respond = (status: number, body: unknown) => async () =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

describe('runtime config', () => {
  it('reads /config.json and trims trailing slashes', async () => {
    const config = await loadRuntimeConfig(
      respond(200, {
        apiUrl: 'https://api.example.com/',
        supabaseUrl: 'https://api.example.com',
        supabaseAnonKey: 'anon',
        imageTag: 'sha-1',
      }),
      { allowDefault: false },
    );
    expect(config).toEqual({
      apiUrl: 'https://api.example.com',
      supabaseUrl: 'https://api.example.com',
      supabaseAnonKey: 'anon',
      imageTag: 'sha-1',
    });
    expect(wsUrlFor(config)).toBe('wss://api.example.com/api/v1/ws');
    expect(wsUrlFor({ ...config, apiUrl: 'http://localhost:8080' })).toBe(
      'ws://localhost:8080/api/v1/ws',
    );
  });

  it('names every bad field', async () => {
    const error = await loadRuntimeConfig(
      respond(200, { apiUrl: 'not a url', supabaseAnonKey: 1 }),
      { allowDefault: false },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeConfigError);
    expect((error as Error).message).toMatch(/apiUrl: .*supabaseUrl: .*supabaseAnonKey: /);
  });

  it('fails in production when the file is missing, and falls back in development', async () => {
    await expect(
      loadRuntimeConfig(respond(404, 'missing'), { allowDefault: false }),
    ).rejects.toThrow('HTTP 404');
    await expect(
      loadRuntimeConfig(respond(404, 'missing'), { allowDefault: true }),
    ).resolves.toEqual(DEV_DEFAULT_CONFIG);
  });
});
