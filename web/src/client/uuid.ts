/**
 * A random (version 4) UUID in canonical lower-case form.
 *
 * crypto.randomUUID exists only in secure contexts (https, localhost); a page opened over plain
 * http on a LAN address (a phone on the dev machine) still has getRandomValues, so fall back to it.
 */
export function newUuid(source: Crypto = globalThis.crypto): string {
  if (typeof source.randomUUID === 'function') return source.randomUUID().toLowerCase();

  const bytes = source.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
