/**
 * Uploads a file straight to S3 through a presigned PUT URL. XMLHttpRequest, not fetch,
 * because only XHR reports upload progress.
 */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface UploadRequest {
  url: string;
  file: Blob;
  /** Headers the presign was made with (e.g. content-type); S3 rejects a mismatch. */
  headers?: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

export type UploadFn = (request: UploadRequest) => Promise<void>;

export class UploadError extends Error {
  override name = 'UploadError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function xhrUpload(
  { url, file, headers = {}, onProgress, signal }: UploadRequest,
  XhrImpl: typeof XMLHttpRequest = XMLHttpRequest,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XhrImpl();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      onProgress?.({
        loaded: event.loaded,
        total: event.lengthComputable ? event.total : file.size,
      });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.({ loaded: file.size, total: file.size });
        resolve();
      } else {
        reject(
          new UploadError(xhr.status, `The storage server refused the upload (HTTP ${xhr.status})`),
        );
      }
    };
    xhr.onerror = () =>
      reject(new UploadError(0, 'The upload failed: the storage server could not be reached'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
