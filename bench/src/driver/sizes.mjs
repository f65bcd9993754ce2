// The size of each hub message as it arrived: SignalR's JSON hub protocol, measured on the text the WebSocket
// delivered, before the client parses it. The client gives no other way to see it (the transport is internal);
// a hub protocol is public API (HubConnectionBuilder.withHubProtocol), so this one is the client's own JSON
// protocol that also notes, on each invocation's first argument, the bytes of its record and of that argument.
import { JsonHubProtocol } from '@microsoft/signalr';

/** The record separator that ends every message of the JSON hub protocol. */
const SEPARATOR = '\x1e';
/** Where the server's invocation message lists its arguments (`{"type":1,"target":"…","arguments":[…]}`). */
const ARGUMENTS = '"arguments":[';

/** On an invocation's first argument: { messageBytes, argumentBytes } (argumentBytes null when not found). */
export const SIZE = Symbol('bytes as received');

/**
 * The bytes of one record (its separator included) and, for an invocation of `argumentCount` = 1 argument, of that
 * argument as the server serialized it: the text between `"arguments":[` and the record's last `]` (the client has
 * parsed the record already; parsing it again here would double the bench's cost per message). null otherwise.
 */
export function recordSizes(record, argumentCount = 1) {
  const messageBytes = Buffer.byteLength(record, 'utf8') + 1;
  const start = record.indexOf(ARGUMENTS);
  const end = record.lastIndexOf(']');
  if (argumentCount !== 1 || start < 0 || end < start) return { messageBytes, argumentBytes: null };
  return { messageBytes, argumentBytes: Buffer.byteLength(record.slice(start + ARGUMENTS.length, end), 'utf8') };
}

export class MeasuringJsonHubProtocol extends JsonHubProtocol {
  parseMessages(input, logger) {
    if (typeof input !== 'string' || !input) return super.parseMessages(input, logger);
    const records = input.split(SEPARATOR);
    // A frame without its final separator is the base class's error to report.
    if (records.pop() !== '') return super.parseMessages(input, logger);
    const messages = [];
    for (const record of records) {
      for (const message of super.parseMessages(record + SEPARATOR, logger)) {
        const first = message.arguments?.[0];
        if (first !== null && typeof first === 'object') first[SIZE] = recordSizes(record, message.arguments.length);
        messages.push(message);
      }
    }
    return messages;
  }
}
