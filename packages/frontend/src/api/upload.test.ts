import { describe, expect, it } from 'vitest';
import { UploadError, xhrUpload, type UploadProgress } from './upload';

/** A scripted XMLHttpRequest: records what was sent, then plays progress and a status. */
class ScriptedXhr {
  static last: ScriptedXhr;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    ScriptedXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  respond(status: number) {
    this.status = status;
    this.onload?.();
  }
}

const Xhr = ScriptedXhr as unknown as typeof XMLHttpRequest;

describe('xhrUpload', () => {
  it('PUTs the file with the presigned headers and reports progress to the end', async () => {
    const file = new Blob([new Uint8Array(400)]);
    const seen: UploadProgress[] = [];
    const done = xhrUpload(
      {
        url: 'https://s3.test/put?sig=1',
        file,
        headers: { 'content-type': 'application/zip' },
        onProgress: (p) => seen.push(p),
      },
      Xhr,
    );
    const xhr = ScriptedXhr.last;
    expect([xhr.method, xhr.url, xhr.headers, xhr.body]).toEqual([
      'PUT',
      'https://s3.test/put?sig=1',
      { 'content-type': 'application/zip' },
      file,
    ]);
    xhr.progress(100, 400);
    xhr.progress(300, 400);
    xhr.respond(200);
    await done;
    expect(seen).toEqual([
      { loaded: 100, total: 400 },
      { loaded: 300, total: 400 },
      { loaded: 400, total: 400 },
    ]);
  });

  it('rejects with the status when S3 refuses the signature', async () => {
    const done = xhrUpload({ url: 'https://s3.test/put', file: new Blob(['x']) }, Xhr);
    ScriptedXhr.last.respond(403);
    await expect(done).rejects.toEqual(
      new UploadError(403, 'The storage server refused the upload (HTTP 403)'),
    );
  });

  it('aborts when the signal fires', async () => {
    const controller = new AbortController();
    const done = xhrUpload(
      { url: 'https://s3.test/put', file: new Blob(['x']), signal: controller.signal },
      Xhr,
    );
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
  });
});
