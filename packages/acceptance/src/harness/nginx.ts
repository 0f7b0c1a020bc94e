// pnpm bench:stack's peer proxy: Debian's nginx from the manifest (NGINX_IMAGE, bench only) with
// nginx-peer.conf, proxying to whatever answers as `backend:8080` on its network. Its
// certificate is made at start, so no key lives in git or in an image.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GenericContainer } from 'testcontainers';
import { requireImage } from './manifest.ts';

const START = [
  'mkdir -p /tmp/tls',
  'openssl req -x509 -nodes -days 1 -subj /CN=api.localhost -addext subjectAltName=DNS:api.localhost' +
    ' -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -keyout /tmp/tls/key.pem -out /tmp/tls/cert.pem',
  'exec nginx -c /etc/nginx/peer.conf -g "daemon off;"',
].join(' && ');

/** The peer, not started: the caller adds its network and CPU limit. It listens on 443. */
export async function nginxPeer(): Promise<{ container: GenericContainer; image: string }> {
  const [image, conf] = await Promise.all([
    requireImage('NGINX_IMAGE'),
    readFile(path.join(import.meta.dirname, 'nginx-peer.conf'), 'utf8'),
  ]);
  const container = new GenericContainer(image)
    .withCopyContentToContainer([{ content: conf, target: '/etc/nginx/peer.conf' }])
    .withCommand(['sh', '-c', START]);
  return { container, image };
}
