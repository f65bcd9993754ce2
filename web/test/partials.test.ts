import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { includePartials } from '../partials/include';

const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let box: string | undefined;

function withPartial(text: string): string {
  box = mkdtempSync(join(tmpdir(), 'partials-'));
  writeFileSync(join(box, 'part.html'), text);
  return box;
}

afterEach(() => {
  if (box !== undefined) rmSync(box, { recursive: true, force: true });
  box = undefined;
});

describe('includePartials', () => {
  it('puts a partial in place of its include line, every line indented like it, with the values the page gives', () => {
    const root = withPartial('<p class="{{kind}}">\n  {{text}}\n</p>\n');
    const page = '<main>\n    <!-- include part.html kind="big" text="Hi · there" -->\n</main>\n';
    expect(includePartials(page, root)).toBe('<main>\n    <p class="big">\n      Hi · there\n    </p>\n</main>\n');
  });

  it('refuses a partial that asks for a value its page does not give', () => {
    const root = withPartial('<title>{{title}}</title>\n');
    expect(() => includePartials('<!-- include part.html titel="x" -->', root)).toThrow(/part\.html needs title=/);
  });

  it.each(['index.html', 'counter/index.html', 'increment/index.html'])('leaves nothing of itself in %s', (file) => {
    const html = includePartials(readFileSync(resolve(webRoot, file), 'utf8'), webRoot);
    expect(html).not.toMatch(/<!--|\{\{/);
    expect(html).toMatch(/<title>[^<{]+<\/title>/);
  });
});
