// --partition-limit: the store proxy holds each partition of the Table service to a number of entities per second,
// as Azure does (about 2,000 entities/s for one partition) and Azurite does not, and answers what is over it as
// Table Storage answers throttling: 503 with x-ms-error-code ServerBusy, nothing forwarded, so nothing written.
//
// Which partition a request is for, and what it costs:
// - a transaction ($batch): the partition of its entities (every entity of an entity-group transaction is of one
//   partition), and one per entity (one per changeset request in its body);
// - a read (GET): the PartitionKey in its URL, a point read's `(PartitionKey='…',RowKey='…')` or a query's
//   `$filter=PartitionKey eq '…'`, and one per request whatever it returns (the answer is not looked at: it comes
//   after the decision);
// - anything whose partition cannot be told (creating the table, a query over every partition) is not limited.
import { randomUUID } from 'node:crypto';

/** A quoted key after `PartitionKey=` (a point read, a changeset's URL) or `PartitionKey eq ` (a filter); '' is a quote. */
const KEY_IN_URL = /PartitionKey(?:\s+eq\s+|=)'((?:[^']|'')*)'/;
/** A changeset's entity as JSON: the SDK writes PartitionKey into every entity it sends. */
const KEY_IN_JSON = /"PartitionKey"\s*:\s*"((?:[^"\\]|\\.)*)"/;
/** Each request of a changeset is one MIME part of this type. */
const CHANGESET_PART = /content-type:\s*application\/http/gi;

/**
 * A token bucket over entities: `limit` tokens a second, up to `burst`, full at the start. A request is let through
 * while the bucket holds what it costs (or is full, so that a transaction larger than the burst is not refused for
 * ever: the bucket then owes the difference); a refused request takes nothing.
 */
export class TokenBucket {
  constructor({ limit, burst = limit, now }) {
    this.limit = limit;
    this.burst = burst;
    this.tokens = burst;
    this.now = now;
    this.at = now();
  }

  /** Takes `cost` tokens if they are there: true when the request may go. */
  take(cost) {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.limit);
    this.at = t;
    if (this.tokens < Math.min(cost, this.burst)) return false;
    this.tokens -= cost;
    return true;
  }
}

/** One token bucket per partition, made on its first request; what each let through and refused. */
export class PartitionLimiter {
  /** @param {{ limit: number, now: () => number }} options  entities per second per partition; a clock in ms */
  constructor({ limit, now }) {
    this.limit = limit;
    this.now = now;
    this.buckets = new Map();
    this.partitions = {};
  }

  /** Whether a request of `entities` entities on `partition` may go now, counted either way. */
  admit(partition, entities, kind) {
    let bucket = this.buckets.get(partition);
    if (!bucket) {
      bucket = new TokenBucket({ limit: this.limit, now: this.now });
      this.buckets.set(partition, bucket);
      this.partitions[partition] = { entities: 0, transactionEntities: 0, readEntities: 0, requests: 0, limited: 0, limitedEntities: 0 };
    }
    const counts = this.partitions[partition];
    if (!bucket.take(entities)) {
      counts.limited++;
      counts.limitedEntities += entities;
      return false;
    }
    counts.requests++;
    counts.entities += entities;
    if (kind === 'transaction') counts.transactionEntities += entities;
    else if (kind === 'read') counts.readEntities += entities;
    return true;
  }
}

const unquote = (text, quote) => text.replaceAll(quote + quote, quote);

/**
 * The partition a request is for and the entities it costs, or null when it cannot be told (not limited).
 * @param {{ kind: 'transaction'|'read'|'other', target: string, body: Buffer }} request
 */
export function partitionCost({ kind, target, body }) {
  if (kind === 'transaction') {
    const text = body.toString('latin1');
    const entities = text.match(CHANGESET_PART)?.length ?? 0;
    const partition = keyInUrl(text) ?? keyInJson(text);
    return partition == null || entities === 0 ? null : { partition, entities };
  }
  if (kind === 'read') {
    const partition = keyInUrl(decode(target));
    return partition == null ? null : { partition, entities: 1 };
  }
  return null;
}

function keyInUrl(text) {
  const match = KEY_IN_URL.exec(text);
  return match ? decode(unquote(match[1], "'")) : null;
}

function keyInJson(text) {
  const match = KEY_IN_JSON.exec(text);
  if (!match) return null;
  try {
    return JSON.parse(`"${match[1]}"`);
  } catch {
    return null;
  }
}

function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Table Storage's answer to a request over a partition's target: 503 Server Busy, the error code in x-ms-error-code
 * and in an OData JSON error body, as the service sends it (the SDK reads either into RequestFailedException.ErrorCode).
 */
export function serverBusyAnswer(date = new Date()) {
  const requestId = randomUUID();
  const body = JSON.stringify({
    'odata.error': {
      code: 'ServerBusy',
      message: { lang: 'en-US', value: `The server is busy.\nRequestId:${requestId}\nTime:${date.toISOString()}` },
    },
  });
  return Buffer.from(
    'HTTP/1.1 503 Server Busy\r\n' +
      'Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n' +
      'x-ms-error-code: ServerBusy\r\n' +
      `x-ms-request-id: ${requestId}\r\n` +
      'x-ms-version: 2019-02-02\r\n' +
      `Date: ${date.toUTCString()}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
    'latin1',
  );
}
