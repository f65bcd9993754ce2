/** Counter names, validated exactly as the server does, so an invalid name never reaches it. */

export const DEFAULT_COUNTER_NAME = 'default';
export const MAX_COUNTER_NAME_LENGTH = 63;

export type CounterNameResult =
  | { readonly ok: true; readonly name: string }
  | { readonly ok: false; readonly message: string };

// ASCII only on purpose: String.prototype.toLowerCase would turn the Kelvin sign (U+212A) into
// "k" and accept it, which the server does not. Check the raw text first, then lower-case it.
const VALID_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

export function parseCounterName(raw: string): CounterNameResult {
  if (raw.length === 0) return invalid('The counter name is empty.');
  if (raw.length > MAX_COUNTER_NAME_LENGTH) {
    return invalid(`The counter name is ${raw.length} characters long; the limit is ${MAX_COUNTER_NAME_LENGTH}.`);
  }
  if (!VALID_NAME.test(raw)) {
    return invalid(
      `"${raw}" is not a valid counter name: use the letters a–z, digits and hyphens, starting with a letter or digit.`,
    );
  }
  return { ok: true, name: raw.toLowerCase() };
}

/**
 * The counter a page shows, from its query string: `?name=` absent means the default counter;
 * present but empty is an error like any other invalid name (the server would reject it too).
 */
export function counterNameFromSearch(search: string): CounterNameResult {
  const raw = new URLSearchParams(search).get('name');
  return raw === null ? { ok: true, name: DEFAULT_COUNTER_NAME } : parseCounterName(raw);
}

function invalid(message: string): CounterNameResult {
  return { ok: false, message };
}
