// Where requests begin and end on the client→server stream of one HTTP/1.1 keep-alive connection: one request at
// a time, its head ending at the first empty line and its body framed by Content-Length or by chunks, and the byte
// after it starting the next request. The store proxy (proxy.mjs) uses it to count and cut whole requests.

const CR_LF_CR_LF = Buffer.from('\r\n\r\n');
const LINE_FEED = 10;
const CRLF_BYTES = 2;
const HEX = 16;

/** A head that has not ended after this many bytes is not HTTP the framer understands: it is relayed unframed. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** The request line and headers (names lower-cased) of a request head. */
export function parseHead(bytes) {
  const [requestLine, ...headerLines] = bytes.toString('latin1').split('\r\n');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers = new Map();
  for (const headerLine of headerLines) {
    const colon = headerLine.indexOf(':');
    if (colon > 0) headers.set(headerLine.slice(0, colon).trim().toLowerCase(), headerLine.slice(colon + 1).trim());
  }
  return { method, target, headers };
}

const State = Object.freeze({
  head: 'head',
  body: 'body', // Content-Length bytes
  chunkSize: 'chunk-size', // the line with a chunk's size
  chunkData: 'chunk-data', // a chunk's data and its CRLF
  trailer: 'trailer', // trailer lines after the last chunk, up to an empty one
  unframed: 'unframed', // not framed as above: everything from here on is relayed as is
});

/**
 * Feeds a connection's client bytes in (push), and hands them on in order: each request's head to `onHead`
 * (which relays it, or answers false to stop the framer: the connection is being cut), every other byte to
 * `forward`, and `onEnd` once a request's last byte has gone to `forward` (or its head, without a body). Once a
 * request cannot be framed (another Transfer-Encoding, a head too long), `onUnframed` is called once and every later
 * byte goes to `forward` unlooked at; that request never ends.
 */
export class RequestFramer {
  /**
   * @param {{ onHead: (head: { bytes: Buffer, method: string, target: string, headers: Map<string, string> }) => boolean,
   *           forward: (bytes: Buffer) => void, onUnframed: () => void, onEnd?: () => void, alive?: () => boolean }} handlers
   *   alive: false once the connection is gone; no more bytes are looked at then
   */
  constructor({ onHead, forward, onUnframed, onEnd = () => {}, alive = () => true }) {
    this.onHead = onHead;
    this.onEnd = onEnd;
    this.alive = alive;
    this.forward = forward;
    this.onUnframed = onUnframed;
    this.state = State.head;
    this.head = Buffer.alloc(0);
    this.bodyLeft = 0;
    this.line = '';
    this.stopped = false;
  }

  /** No more bytes are looked at (the connection is gone). */
  stop() {
    this.stopped = true;
  }

  push(data) {
    let bytes = data;
    let offset = 0;
    while (offset < bytes.length && !this.stopped && this.alive()) {
      switch (this.state) {
        case State.head: {
          const rest = this.takeHead(bytes.subarray(offset));
          if (rest === null) return;
          bytes = rest;
          offset = 0;
          break;
        }
        case State.body:
        case State.chunkData:
          offset = this.takeCounted(bytes, offset);
          break;
        case State.chunkSize:
        case State.trailer:
          offset = this.takeLine(bytes, offset);
          break;
        default:
          this.forward(bytes.subarray(offset));
          offset = bytes.length;
      }
    }
  }

  /** Adds bytes to the head; once it is complete hands it on and returns the bytes after it (null: none to look at). */
  takeHead(bytes) {
    this.head = Buffer.concat([this.head, bytes]);
    const end = this.head.indexOf(CR_LF_CR_LF);
    if (end < 0) {
      if (this.head.length > MAX_HEAD_BYTES) {
        this.unframe();
        this.forward(this.head);
      }
      return null;
    }
    const headBytes = Buffer.from(this.head.subarray(0, end + CR_LF_CR_LF.length));
    const after = this.head.subarray(end + CR_LF_CR_LF.length);
    this.head = Buffer.alloc(0);
    const head = { bytes: headBytes, ...parseHead(headBytes) };
    if (!this.onHead(head)) {
      this.stop();
      return null;
    }
    this.startBody(head.headers);
    return after;
  }

  startBody(headers) {
    const transferEncoding = headers.get('transfer-encoding');
    if (transferEncoding) {
      if (transferEncoding.trim().toLowerCase() !== 'chunked') {
        this.unframe();
        return;
      }
      this.state = State.chunkSize;
      this.line = '';
      return;
    }
    this.bodyLeft = Number(headers.get('content-length') ?? 0);
    this.state = this.bodyLeft > 0 ? State.body : State.head;
    if (this.state === State.head) this.onEnd();
  }

  /** A body with a length, or a chunk's data: relays up to what is left of it. */
  takeCounted(bytes, offset) {
    const count = Math.min(this.bodyLeft, bytes.length - offset);
    this.forward(bytes.subarray(offset, offset + count));
    this.bodyLeft -= count;
    if (this.bodyLeft === 0) {
      const ended = this.state === State.body;
      this.state = ended ? State.head : State.chunkSize;
      if (ended) this.onEnd();
    }
    return offset + count;
  }

  /** A chunk-size or trailer line: relays it, and once it is whole decides what follows. */
  takeLine(bytes, offset) {
    const lineFeed = bytes.indexOf(LINE_FEED, offset);
    const end = lineFeed < 0 ? bytes.length : lineFeed + 1;
    this.forward(bytes.subarray(offset, end));
    this.line += bytes.subarray(offset, end).toString('latin1');
    if (lineFeed < 0) return end;
    const content = this.line.trim();
    this.line = '';
    if (this.state === State.trailer) {
      if (content === '') {
        this.state = State.head;
        this.onEnd();
      }
      return end;
    }
    const size = parseInt(content.split(';')[0], HEX);
    if (size === 0) {
      this.state = State.trailer;
    } else {
      this.bodyLeft = size + CRLF_BYTES;
      this.state = State.chunkData;
    }
    return end;
  }

  unframe() {
    this.state = State.unframed;
    this.onUnframed();
  }
}
