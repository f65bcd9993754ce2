// A static check for PowerShell scripts that must also run under Windows PowerShell 5.1: azd runs a hook
// declared `shell: pwsh` with `powershell` (5.1) when `pwsh` is not on PATH (Azure/azure-dev,
// cli/azd/pkg/tools/powershell/powershell.go). It looks for syntax and parameters that PowerShell 6 or 7
// added. It is a scanner, not a parser: it blanks out comments and strings, then matches what is left, so
// it can be fooled by unusual code. hooks.test.ts checks it against known snippets, and, where pwsh is on
// PATH, against PowerShell's own parser.

export interface Finding {
  readonly line: number;
  readonly rule: string;
  readonly text: string;
}

interface Blanked {
  /** The script with comments blanked (strings kept). */
  readonly withStrings: string;
  /** The script with comments and strings blanked: strings become runs of `S`, so each stays one word. */
  readonly code: string;
}

/**
 * Blanks comments (`#` to the end of the line, `<# … #>`) and strings ('…', "…", here-strings). Newlines
 * are kept, so offsets and line numbers still match the original.
 */
export function blank(source: string): Blanked {
  const withStrings = source.split('');
  const code = source.split('');
  const n = source.length;
  const blankRange = (target: string[], from: number, to: number, fill: string) => {
    for (let k = from; k < to; k++) if (target[k] !== '\n' && target[k] !== '\r') target[k] = fill;
  };
  // A `#` starts a comment only where a new token may start.
  const atTokenStart = (k: number) => k === 0 || /[\s;(){}|&=,]/.test(source[k - 1]!);

  let i = 0;
  while (i < n) {
    const c = source[i]!;
    if (c === '`') {
      i += 2; // an escaped character (or a line continuation) outside strings
      continue;
    }
    if (c === '<' && source[i + 1] === '#') {
      const end = source.indexOf('#>', i + 2);
      const stop = end === -1 ? n : end + 2;
      blankRange(withStrings, i, stop, ' ');
      blankRange(code, i, stop, ' ');
      i = stop;
      continue;
    }
    if (c === '#' && atTokenStart(i)) {
      let stop = source.indexOf('\n', i);
      if (stop === -1) stop = n;
      blankRange(withStrings, i, stop, ' ');
      blankRange(code, i, stop, ' ');
      i = stop;
      continue;
    }
    if (c === '@' && (source[i + 1] === "'" || source[i + 1] === '"') && /^[ \t]*\r?\n/.test(source.slice(i + 2))) {
      // A here-string runs to a line that starts with the closing quote and @.
      const close = new RegExp(`\\r?\\n${source[i + 1]}@`, 'g');
      close.lastIndex = i + 2;
      const m = close.exec(source);
      const stop = m === null ? n : m.index + m[0].length;
      blankRange(code, i, stop, 'S');
      i = stop;
      continue;
    }
    if (c === "'") {
      let k = i + 1;
      while (k < n) {
        if (source[k] === "'" && source[k + 1] === "'") k += 2;
        else if (source[k] === "'") break;
        else k++;
      }
      const stop = Math.min(k + 1, n);
      blankRange(code, i, stop, 'S');
      i = stop;
      continue;
    }
    if (c === '"') {
      const stop = endOfDoubleQuoted(source, i + 1);
      blankRange(code, i, stop, 'S');
      i = stop;
      continue;
    }
    i++;
  }
  return { withStrings: withStrings.join(''), code: code.join('') };
}

/** The index just past the closing quote of a "…" string whose body starts at `from`; `$( … )` may nest quotes. */
function endOfDoubleQuoted(source: string, from: number): number {
  let k = from;
  while (k < source.length) {
    const c = source[k]!;
    if (c === '`') {
      k += 2;
    } else if (c === '"' && source[k + 1] === '"') {
      k += 2;
    } else if (c === '"') {
      return k + 1;
    } else if (c === '$' && source[k + 1] === '(') {
      let depth = 1;
      k += 2;
      while (k < source.length && depth > 0) {
        if (source[k] === '"') k = endOfDoubleQuoted(source, k + 1);
        else if (source[k] === "'") k = source.indexOf("'", k + 1) === -1 ? source.length : source.indexOf("'", k + 1) + 1;
        else {
          if (source[k] === '(') depth++;
          else if (source[k] === ')') depth--;
          k++;
        }
      }
    } else {
      k++;
    }
  }
  return source.length;
}

/** The words of the command that starts at `from` in blanked code, up to the end of its statement. */
export function commandWords(code: string, from: number): string[] {
  const words: string[] = [];
  let k = from;
  let word = '';
  let depth = 0;
  const flush = () => {
    if (word !== '') words.push(word);
    word = '';
  };
  while (k < code.length) {
    const c = code[k]!;
    if (depth === 0) {
      if (c === '`' && (code[k + 1] === '\n' || code[k + 1] === '\r')) {
        flush();
        k += code[k + 1] === '\r' && code[k + 2] === '\n' ? 3 : 2;
        continue;
      }
      if (c === '\n' || c === ';' || c === '|' || c === ')' || c === '}' || c === ']') break;
      if (c === ' ' || c === '\t' || c === '\r') {
        flush();
        k++;
        continue;
      }
    }
    if (c === '(' || c === '{' || c === '[') depth++;
    else if ((c === ')' || c === '}' || c === ']') && depth > 0) depth--;
    word += c;
    k++;
  }
  flush();
  return words;
}

// Join-Path's named parameters that take a value (5.1 and 7), besides the common ones.
const joinPathValueParameters = ['path', 'childpath', 'credential'];
const commonValueParameters = [
  'erroraction', 'warningaction', 'informationaction', 'progressaction', 'errorvariable', 'warningvariable',
  'informationvariable', 'outvariable', 'outbuffer', 'pipelinevariable',
];

/** How many paths a Join-Path call is given, or 'additional' when it uses -AdditionalChildPath. */
export function joinPathPathCount(words: readonly string[]): number | 'additional' {
  let paths = 0;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (/^-[A-Za-z]/.test(w)) {
      const name = w.slice(1).replace(/:.*$/, '').toLowerCase();
      const hasInlineValue = w.includes(':');
      if (name.length >= 1 && 'additionalchildpath'.startsWith(name)) return 'additional';
      const takesValue = [...joinPathValueParameters, ...commonValueParameters].some(
        (p) => p.startsWith(name) && name.length >= 2,
      );
      const isPath = name.length >= 2 && ('path'.startsWith(name) || 'childpath'.startsWith(name));
      if (isPath) paths++;
      if (takesValue && !hasInlineValue) k++;
      continue;
    }
    paths++;
  }
  return paths;
}

interface Rule {
  readonly rule: string;
  /** Matched against the code with comments and strings blanked. */
  readonly code?: RegExp;
  /** Matched against the code with only comments blanked (for values that may be quoted). */
  readonly withStrings?: RegExp;
}

// Each names the PowerShell version that added it.
const rules: readonly Rule[] = [
  { rule: 'the ?? / ??= operators (PowerShell 7.0)', code: /\?\?/g },
  { rule: 'null-conditional ?. or ?[ (PowerShell 7.1)', code: /\}\?[.[]/g },
  // A `?` between spaces is the ternary operator unless it follows a pipe (then it is Where-Object's alias).
  { rule: 'the ternary operator a ? b : c (PowerShell 7.0)', code: /[^\s|]\s+\?\s/g },
  { rule: 'the && / || pipeline chain operators (PowerShell 7.0)', code: /&&|\|\|/g },
  { rule: '$IsWindows / $IsLinux / $IsMacOS / $IsCoreCLR (PowerShell 6.0)', code: /\$(IsWindows|IsLinux|IsMacOS|IsCoreCLR)\b/gi },
  { rule: '-AsByteStream (PowerShell 6.0; 5.1 has -Encoding Byte)', code: /-AsByteStream\b/gi },
  { rule: 'the utf8NoBOM / utf8BOM encoding names (PowerShell 6.0)', withStrings: /\butf8(No)?BOM\b/gi },
  { rule: '-SkipCertificateCheck / -SkipHttpErrorCheck (PowerShell 6.0 / 7.0)', code: /-Skip(Certificate|HttpError)Check\b/gi },
  { rule: 'ForEach-Object -Parallel (PowerShell 7.0)', code: /\bForEach-Object\b[^\n|;]*\s-Parallel\b/gi },
  { rule: 'Join-String, Test-Json, Get-Error (PowerShell 6.1–7.0)', code: /\b(Join-String|Test-Json|Get-Error)\b/gi },
  { rule: 'Split-Path -LeafBase / -Extension (PowerShell 6.0)', code: /\bSplit-Path\b[^\n|;]*\s-(LeafBase|Extension)\b/gi },
  { rule: 'ConvertTo-Json -AsArray / -EscapeHandling (PowerShell 6.2)', code: /\bConvertTo-Json\b[^\n|;]*\s-(AsArray|EscapeHandling)\b/gi },
];

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let k = 0; k < index; k++) if (text[k] === '\n') line++;
  return line;
}

/** Everything in `source` that Windows PowerShell 5.1 would not run as PowerShell 7 does. */
export function powerShell51Findings(source: string): Finding[] {
  const { code, withStrings } = blank(source);
  const lines = source.split(/\r?\n/);
  const findings: Finding[] = [];
  const add = (index: number, rule: string) => {
    const line = lineOf(source, index);
    findings.push({ line, rule, text: (lines[line - 1] ?? '').trim() });
  };

  for (const r of rules) {
    const target = r.code !== undefined ? code : withStrings;
    const pattern = r.code ?? r.withStrings!;
    for (const m of target.matchAll(pattern)) add(m.index, r.rule);
  }

  for (const m of code.matchAll(/(?<![\w-])Join-Path\b/gi)) {
    const count = joinPathPathCount(commandWords(code, m.index + m[0].length));
    if (count === 'additional') add(m.index, 'Join-Path -AdditionalChildPath (PowerShell 6.0)');
    else if (count > 2) add(m.index, `Join-Path with ${count} paths (5.1 takes two: nest the calls)`);
  }

  for (const m of code.matchAll(/(?<![\w-])ConvertFrom-Json\b/gi)) {
    for (const w of commandWords(code, m.index + m[0].length)) {
      const name = w.replace(/^-/, '').replace(/:.*$/, '').toLowerCase();
      if (!w.startsWith('-') || name.length < 2) continue;
      if ('ashashtable'.startsWith(name)) add(m.index, 'ConvertFrom-Json -AsHashtable (PowerShell 6.0)');
      else if ('depth'.startsWith(name)) add(m.index, 'ConvertFrom-Json -Depth (PowerShell 6.2)');
      else if ('noenumerate'.startsWith(name)) add(m.index, 'ConvertFrom-Json -NoEnumerate (PowerShell 7.0)');
    }
  }

  return findings.sort((a, b) => a.line - b.line);
}

/**
 * Windows PowerShell 5.1 reads a script without a byte-order mark in the system's ANSI code page, so any
 * non-ASCII character in a BOM-less UTF-8 script is misread there.
 */
export function nonAsciiWithoutBom(bytes: Uint8Array): Finding[] {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (hasBom) return [];
  const findings: Finding[] = [];
  let line = 1;
  for (const b of bytes) {
    if (b === 0x0a) line++;
    else if (b >= 0x80) {
      findings.push({ line, rule: 'non-ASCII byte in a script without a BOM', text: `0x${b.toString(16)}` });
      break;
    }
  }
  return findings;
}
