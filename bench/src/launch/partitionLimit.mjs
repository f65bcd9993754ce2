// --partition-limit: the store proxy holds each partition to a number of entities per second, as Azure does (about
// 2,000) and Azurite does not, and answers what is over it as Table Storage does: 503 ServerBusy, nothing forwarded.
// A transaction ($batch) costs one per entity (changeset part), all of one partition; a read (GET) costs one, its
// partition in the URL (a point read or a `PartitionKey eq` filter); what has no partition to tell is not limited.
import { randomUUID } from 'node:crypto';
import { attempt } from '../system.mjs';

/** A quoted key after `PartitionKey=` (a point read, a changeset's URL) or `PartitionKey eq ` (a filter); '' is a quote. */
const KEY_IN_URL = /PartitionKey(?:\s+eq\s+|=)'((?:[^']|'')*)'/;
/** A changeset's entity as JSON: the SDK writes PartitionKey into every entity it sends. */
const KEY_IN_JSON = /"PartitionKey"\s*:\s*"((?:[^"\\]|\\.)*)"/;

/** What one partition let through and refused. */
export const emptyCounts = () => ({ entities: 0, transactionEntities: 0, readEntities: 0, requests: 0, limited: 0, limitedEntities: 0 });

/**
 * A token bucket of entities per partition: `limit` a second, holding at most one second's worth, full at the start.
 * A request goes while its bucket holds its cost, or is full (a transaction larger than the bucket would never go
 * otherwise: the bucket then owes the rest); a refused request takes nothing. `partitions` counts what went and not.
 */
export class PartitionLimiter {
  constructor({ limit, now }) {
    Object.assign(this, { limit, now, buckets: new Map(), partitions: {} });
  }

  admit(partition, entities, kind) {
    const t = this.now();
    const bucket = this.buckets.get(partition) ?? { tokens: this.limit, at: t };
    this.buckets.set(partition, bucket);
    const counts = (this.partitions[partition] ??= emptyCounts());
    bucket.tokens = Math.min(this.limit, bucket.tokens + ((t - bucket.at) / 1000) * this.limit);
    bucket.at = t;
    const go = bucket.tokens >= Math.min(entities, this.limit);
    if (go) bucket.tokens -= entities;
    counts[go ? 'requests' : 'limited']++;
    counts[go ? 'entities' : 'limitedEntities'] += entities;
    if (go && kind !== 'other') counts[`${kind}Entities`] += entities;
    return go;
  }
}

const decode = (text) => attempt(() => decodeURIComponent(text), () => text);
const keyInUrl = (text) => attempt(() => decode(KEY_IN_URL.exec(text)[1].replaceAll("''", "'"))); // null: none
const keyInJson = (text) => attempt(() => JSON.parse(`"${KEY_IN_JSON.exec(text)[1]}"`)); // null: none, or not JSON

/** The partition a request ({ kind, target, body }) is for and the entities it costs, or null when it is not limited. */
export function partitionCost({ kind, target, body }) {
  const text = kind === 'read' ? decode(target) : body.toString('latin1');
  const partition = kind === 'read' ? keyInUrl(text) : kind === 'transaction' ? (keyInUrl(text) ?? keyInJson(text)) : null;
  const entities = kind === 'read' ? 1 : (text.match(/content-type:\s*application\/http/gi)?.length ?? 0);
  return partition == null || entities === 0 ? null : { partition, entities };
}

/** 503 Server Busy as the service sends it: the code in x-ms-error-code and in an OData JSON body (the SDK reads either). */
export function serverBusyAnswer(date = new Date()) {
  const requestId = randomUUID();
  const value = `The server is busy.\nRequestId:${requestId}\nTime:${date.toISOString()}`;
  const body = JSON.stringify({ 'odata.error': { code: 'ServerBusy', message: { lang: 'en-US', value } } });
  const type = 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8';
  const head = `HTTP/1.1 503 Server Busy\r\nContent-Type: ${type}\r\nx-ms-error-code: ServerBusy\r\nx-ms-request-id: ${requestId}\r\n`;
  return Buffer.from(`${head}x-ms-version: 2019-02-02\r\nDate: ${date.toUTCString()}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, 'latin1');
}
