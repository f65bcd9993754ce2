// --partition-limit: the store proxy holds each partition to a number of entities per second, as Azure does (about
// 2,000) and Azurite does not, and answers what is over it as Table Storage does: 503 ServerBusy, nothing forwarded.
// A transaction ($batch) costs one per entity (changeset part), all of one partition; a read (GET) costs one, its
// partition in the URL (a point read or a `PartitionKey eq` filter); what has no partition to tell is not limited.
import { randomUUID } from 'node:crypto';

/** A quoted key after `PartitionKey=` (a point read, a changeset's URL) or `PartitionKey eq ` (a filter); '' is a quote. */
const KEY_IN_URL = /PartitionKey(?:\s+eq\s+|=)'((?:[^']|'')*)'/;
/** A changeset's entity as JSON: the SDK writes PartitionKey into every entity it sends. */
const KEY_IN_JSON = /"PartitionKey"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const CHANGESET_PART = /content-type:\s*application\/http/gi;

/**
 * Entities as tokens: `limit` a second, up to `burst`, full at the start. A request goes while the bucket holds its
 * cost, or is full (a transaction larger than the burst would never go otherwise: the bucket then owes the rest);
 * a refused request takes nothing.
 */
export class TokenBucket {
  constructor({ limit, burst = limit, now }) {
    Object.assign(this, { limit, burst, now, tokens: burst, at: now() });
  }

  take(cost) {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.limit);
    this.at = t;
    if (this.tokens < Math.min(cost, this.burst)) return false;
    this.tokens -= cost;
    return true;
  }
}

/** A bucket per partition, made on its first request; `partitions` counts what each let through and refused. */
export class PartitionLimiter {
  constructor({ limit, now }) {
    Object.assign(this, { limit, now, buckets: new Map(), partitions: {} });
  }

  admit(partition, entities, kind) {
    if (!this.buckets.has(partition)) {
      this.buckets.set(partition, new TokenBucket({ limit: this.limit, now: this.now }));
      this.partitions[partition] = { entities: 0, transactionEntities: 0, readEntities: 0, requests: 0, limited: 0, limitedEntities: 0 };
    }
    const counts = this.partitions[partition];
    if (!this.buckets.get(partition).take(entities)) {
      counts.limited++;
      counts.limitedEntities += entities;
      return false;
    }
    counts.requests++;
    counts.entities += entities;
    if (kind !== 'other') counts[`${kind}Entities`] += entities;
    return true;
  }
}

const decode = (text) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};
const keyInUrl = (text) => {
  const match = KEY_IN_URL.exec(text);
  return match ? decode(match[1].replaceAll("''", "'")) : null;
};
const keyInJson = (text) => {
  try {
    return JSON.parse(`"${KEY_IN_JSON.exec(text)[1]}"`);
  } catch {
    return null; // none, or not a JSON string
  }
};

/** The partition a request ({ kind, target, body }) is for and the entities it costs, or null when it is not limited. */
export function partitionCost({ kind, target, body }) {
  if (kind === 'read') {
    const partition = keyInUrl(decode(target));
    return partition == null ? null : { partition, entities: 1 };
  }
  if (kind !== 'transaction') return null;
  const text = body.toString('latin1');
  const entities = text.match(CHANGESET_PART)?.length ?? 0;
  const partition = keyInUrl(text) ?? keyInJson(text);
  return partition == null || entities === 0 ? null : { partition, entities };
}

/** 503 Server Busy as the service sends it: the code in x-ms-error-code and in an OData JSON body (the SDK reads either). */
export function serverBusyAnswer(date = new Date()) {
  const requestId = randomUUID();
  const message = `The server is busy.\nRequestId:${requestId}\nTime:${date.toISOString()}`;
  const body = JSON.stringify({ 'odata.error': { code: 'ServerBusy', message: { lang: 'en-US', value: message } } });
  const head = [
    'HTTP/1.1 503 Server Busy',
    'Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8',
    'x-ms-error-code: ServerBusy',
    `x-ms-request-id: ${requestId}`,
    'x-ms-version: 2019-02-02',
    `Date: ${date.toUTCString()}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}
