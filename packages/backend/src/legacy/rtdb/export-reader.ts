// Reads an RTDB export (`firebase database:get /` output) as a stream of records, so that an
// export larger than memory can be imported: stream-json tokenizes the file and only one record
// at a time is assembled into an object.
import { createReadStream } from 'node:fs';
import { jsonParser } from 'stream-json/core/parser.js';
import Assembler from 'stream-json/assembler.js';
import { DOMAIN_PATHS, type Domain } from './records.ts';

export type ExportItem =
  | { type: 'record'; domain: Domain; key: string; value: unknown }
  /** The domain's object closed: every one of its records has been yielded. */
  | { type: 'end'; domain: Domain };

type Token = { name: string; value?: unknown };

// Text per tokenizer call. Each chunk is tokenized in one synchronous slice, during which the
// import's pending statement answers wait. With 64 KiB the bench saw the event loop blocked up to
// 28-50 ms, with 256 KiB up to 47-156 ms.
const CHUNK_BYTES = 64 * 1024;

const DOMAIN_BY_PATH = new Map(
  Object.entries(DOMAIN_PATHS).map(([domain, path]) => [path, domain as Domain]),
);

/**
 * Yields the records of `domains` found in the export at `file`, in file order, each domain's
 * records followed by its 'end'. Domains absent from the file yield nothing (the caller treats
 * them as empty: RTDB drops empty nodes). Throws on invalid JSON.
 */
export async function* readExport(
  file: string,
  domains: ReadonlySet<Domain>,
): AsyncGenerator<ExportItem> {
  // The bare tokenizer, called once per chunk of text (Node's utf8 decoding keeps multi-byte
  // characters whole across chunks): far cheaper than one stream hop per token.
  const tokenize = jsonParser({ streamValues: false }) as (chunk: string | symbol) => unknown;
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  // The open objects/arrays, outermost first; each knows the key it hangs under ('' for the root)
  // and, for an array, the index of its next element (RTDB keys of an array-shaped node).
  const stack: { key: string; index: number | null }[] = [];
  // The key of the next value in the innermost open object.
  let key: string | null = null;
  let record: { domain: Domain; key: string; asm: Assembler } | null = null;

  const pathOf = (frames: typeof stack) =>
    frames
      .slice(1)
      .map((f) => f.key)
      .join('/');
  const nextKey = (): string | null => {
    const top = stack.at(-1);
    if (top?.index === null || top === undefined) return key;
    return String(top.index++);
  };

  // Tokens are handled synchronously per chunk; finished items wait in `ready`.
  const ready: ExportItem[] = [];
  const handle = (tok: Token): void => {
    if (record) {
      record.asm.consume(tok as never);
      if (record.asm.done) {
        ready.push({
          type: 'record',
          domain: record.domain,
          key: record.key,
          value: record.asm.current,
        });
        record = null;
      }
      return;
    }
    if (tok.name === 'keyValue') {
      key = tok.value as string;
      return;
    }
    if (tok.name === 'endObject' || tok.name === 'endArray') {
      const closed = DOMAIN_BY_PATH.get(pathOf(stack));
      stack.pop();
      if (closed && domains.has(closed)) ready.push({ type: 'end', domain: closed });
      return;
    }
    // A value starts: the root, a record (its parent is a domain), or something on the way.
    if (stack.length === 0 && tok.name !== 'startObject')
      throw new SyntaxError('the export is not a JSON object');
    const parent = stack.length ? DOMAIN_BY_PATH.get(pathOf(stack)) : undefined;
    const at = stack.length ? nextKey() : '';
    key = null;
    if (parent && at !== null && domains.has(parent)) {
      const asm = new Assembler();
      asm.consume(tok as never);
      if (asm.done) ready.push({ type: 'record', domain: parent, key: at, value: asm.current });
      else record = { domain: parent, key: at, asm };
      return;
    }
    if (tok.name === 'startObject' || tok.name === 'startArray') {
      stack.push({ key: at ?? '', index: tok.name === 'startArray' ? 0 : null });
      return;
    }
    const domain = DOMAIN_BY_PATH.get(pathOf([...stack, { key: at ?? '', index: null }]));
    if (domain && domains.has(domain))
      throw new SyntaxError(`${DOMAIN_PATHS[domain]} is not an object of records`);
  };
  const feed = (out: unknown): void => {
    if (out === NONE || out === undefined) return;
    const o = out as { [MANY]?: number; values?: Token[] };
    if (o[MANY] === 1) for (const tok of o.values!) handle(tok);
    else handle(out as Token);
  };

  try {
    const ended = new Set<Domain>();
    for await (const chunk of input as AsyncIterable<string>) {
      feed(tokenize(chunk));
      for (const item of ready.splice(0)) {
        yield item;
        if (item.type === 'end') ended.add(item.domain);
      }
      // Every wanted domain read: the rest of the file cannot add to them (keys are unique).
      if (ended.size === domains.size) return;
    }
    feed(tokenize(NONE));
    if (stack.length || record) throw new SyntaxError('the export ends in the middle of a value');
    yield* ready.splice(0);
  } finally {
    input.destroy();
  }
}

// stream-chain's markers (Symbol.for, so no import of stream-chain itself is needed).
const NONE = Symbol.for('object-stream.none');
const MANY = Symbol.for('object-stream.many');
