import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const INCLUDE = /^([ \t]*)<!-- include (\S+)((?: [\w-]+="[^"]*")*) -->$/gm;
const VALUE = / ([\w-]+)="([^"]*)"/g;
const PLACEHOLDER = /\{\{([\w-]+)\}\}/g;

/**
 * The pages' HTML with each `<!-- include partials/NAME.html key="value" … -->` line replaced by
 * that file (its path from `webRoot`), every `{{key}}` in it by the value, indented like the line.
 *
 * @remarks Vite applies it to every page it serves or builds (vite.config.ts) and the page tests to
 * every page they open, so both see the same markup. A partial asking for a value its page does not
 * give is an error, not an empty string, so a page cannot silently lose its title.
 */
export function includePartials(html: string, webRoot: string): string {
  return html.replace(INCLUDE, (_line, indent: string, path: string, attributes: string) => {
    const values = new Map(Array.from(attributes.matchAll(VALUE), ([, key, value]) => [key!, value!]));
    const partial = readFileSync(resolve(webRoot, path), 'utf8').trimEnd();
    const filled = partial.replace(PLACEHOLDER, (_placeholder, key: string) => {
      const value = values.get(key);
      if (value === undefined) throw new Error(`${path} needs ${key}="…" where it is included.`);
      return value;
    });
    return filled.replace(/^/gm, indent);
  });
}
