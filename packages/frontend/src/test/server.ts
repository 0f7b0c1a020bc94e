import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

export const API = 'http://api.test';

/**
 * The API lives on its own origin (api.<domain>), so the browser preflights requests that
 * carry a bearer token. The backend must answer these; here they are answered as it should.
 */
const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
  'access-control-allow-headers': 'authorization, content-type, accept',
  'access-control-max-age': '600',
};

export const server = setupServer(
  http.options(`${API}/*`, () => new HttpResponse(null, { status: 204, headers: corsHeaders })),
);

/** A gate for "loading" tests: handlers await `wait`, the test calls `open()` when it has looked. */
export function gate() {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}
