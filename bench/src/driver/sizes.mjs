// The size of each hub message as it arrived. The client's transport is internal, but a hub protocol is public API
// (withHubProtocol): this is the client's own JSON protocol that also notes, on each invocation's first argument,
// the bytes of its record and of that argument.
import { JsonHubProtocol } from '@microsoft/signalr';

const SEPARATOR = '\x1e';
const ARGUMENTS = '"arguments":[';

/** On an invocation's first argument: { messageBytes, argumentBytes } (argumentBytes null when not found). */
export const SIZE = Symbol('bytes as received');

/** A record's bytes with its separator, and its one argument's as the server wrote it (found, not parsed again: it costs per message). */
export function recordSizes(record, argumentCount = 1) {
  const messageBytes = Buffer.byteLength(record, 'utf8') + 1;
  const start = record.indexOf(ARGUMENTS);
  const end = record.lastIndexOf(']');
  if (argumentCount !== 1 || start < 0 || end < start) return { messageBytes, argumentBytes: null };
  return { messageBytes, argumentBytes: Buffer.byteLength(record.slice(start + ARGUMENTS.length, end), 'utf8') };
}

export class MeasuringJsonHubProtocol extends JsonHubProtocol {
  parseMessages(input, logger) {
    const records = typeof input === 'string' && input ? input.split(SEPARATOR) : [];
    // Not text, or a frame without its final separator: the base class's to parse or report.
    if (records.pop() !== '') return super.parseMessages(input, logger);
    return records.flatMap((record) =>
      super.parseMessages(record + SEPARATOR, logger).map((message) => {
        const first = message.arguments?.[0];
        if (first !== null && typeof first === 'object') first[SIZE] = recordSizes(record, message.arguments.length);
        return message;
      }),
    );
  }
}
