/**
 * A small, bounded XML parser for CoT events — and nothing else.
 *
 * CoT arrives from the network (multicast from any device on the LAN, a TAK server relaying
 * every client), so the parser assumes hostile input:
 * - no DTD at all: `<!DOCTYPE` is refused, so no entity can be declared, and an entity
 *   expansion attack (billion laughs, external entities, XXE) has nothing to expand;
 * - only the five predefined entities and character references to legal XML characters;
 * - no processing instructions other than the leading `<?xml …?>` declaration;
 * - hard limits on input size, nesting depth, element count, attributes per element,
 *   attribute and name length and text per element, checked while scanning, so work and
 *   memory are linear in the (already bounded) input;
 * - a single linear scan with no regular expressions on the input and no recursion, so no
 *   backtracking blow-up and no stack overflow, whatever the nesting.
 * Every refusal returns a reason from a closed set, so the caller can count it; nothing throws.
 * Namespaces are not interpreted (CoT uses none): a name is taken as written.
 */

export type XmlRejectReason =
  | 'empty'
  | 'too-large'
  | 'doctype'
  | 'entity'
  | 'processing-instruction'
  | 'too-deep'
  | 'too-many-elements'
  | 'too-many-attributes'
  | 'attribute-too-long'
  | 'name-too-long'
  | 'text-too-long'
  | 'duplicate-attribute'
  | 'bad-char-ref'
  | 'bad-char'
  | 'malformed'
  | 'mismatched-tag'
  | 'trailing-content';

export interface XmlElement {
  name: string;
  /** Attributes by name, entity references decoded. A Map, so names like `__proto__` are inert. */
  attrs: Map<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element (text and CDATA). */
  text: string;
}

export interface XmlLimits {
  /** Input length in UTF-16 code units (≈ bytes for CoT's ASCII); checked before any scanning. */
  maxChars: number;
  maxDepth: number;
  maxElements: number;
  maxAttributes: number;
  maxAttributeLength: number;
  maxNameLength: number;
  /** Character data kept per element. */
  maxTextLength: number;
}

/**
 * Defaults sized for CoT: a track or SA event is 0.5–2 kB with detail nested 2–4 deep; drawn
 * shapes and routes reach tens of kB with a few hundred `<link>`s.
 */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = {
  maxChars: 64 * 1024,
  maxDepth: 16,
  maxElements: 1024,
  maxAttributes: 32,
  maxAttributeLength: 4096,
  maxNameLength: 64,
  maxTextLength: 8192,
};

export type XmlParseResult = { ok: true; root: XmlElement } | { ok: false; reason: XmlRejectReason; message: string };

/** Thrown inside the scanner only; not an Error, so no stack trace is captured on the hot reject path. */
class Reject {
  constructor(readonly reason: XmlRejectReason, readonly message: string) {}
}

const isSpace = (c: number) => c === 0x20 || c === 0x9 || c === 0xa || c === 0xd;

/** Name characters: ASCII letters, digits, `_ : - .`, and anything non-ASCII (XML allows most of it). */
function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x3a || c === 0x2d || c === 0x2e || (c >= 0x80 && c !== 0xfffe && c !== 0xffff);
}
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || (c >= 0x80 && c !== 0xfffe && c !== 0xffff);
}

/** Legal XML 1.0 code unit outside markup (surrogate pairing is checked by the caller). */
function badUnit(c: number): boolean {
  return (c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) || c === 0xfffe || c === 0xffff;
}

class Scanner {
  pos = 0;
  elements = 0;
  constructor(readonly s: string, readonly lim: XmlLimits) {}

  fail(reason: XmlRejectReason, message: string): never {
    throw new Reject(reason, message);
  }

  startsWith(t: string): boolean {
    return this.s.startsWith(t, this.pos);
  }

  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length && isSpace(s.charCodeAt(this.pos))) this.pos++;
  }

  /** Checks a run of character data for illegal code units and unpaired surrogates. */
  checkChars(from: number, to: number): void {
    const s = this.s;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0xd800) {
        if (badUnit(c)) this.fail('bad-char', `illegal character U+${c.toString(16)} at ${i}`);
        if (c >= 0xd800 && c <= 0xdbff) {
          const n = i + 1 < to ? s.charCodeAt(i + 1) : 0;
          if (n < 0xdc00 || n > 0xdfff) this.fail('bad-char', `unpaired surrogate at ${i}`);
          i++;
        } else if (c >= 0xdc00 && c <= 0xdfff) this.fail('bad-char', `unpaired surrogate at ${i}`);
      }
    }
  }

  name(): string {
    const s = this.s, start = this.pos;
    if (start >= s.length || !isNameStart(s.charCodeAt(start))) this.fail('malformed', `name expected at ${start}`);
    let i = start + 1;
    while (i < s.length && isNameChar(s.charCodeAt(i))) {
      i++;
      if (i - start > this.lim.maxNameLength) this.fail('name-too-long', `name longer than ${this.lim.maxNameLength} at ${start}`);
    }
    this.pos = i;
    return s.slice(start, i);
  }

  /**
   * Decodes character data in [from, to) (no markup inside), resolving references and checking
   * characters in one pass. In an attribute (`attr`), `<` is refused and literal tab, newline and
   * carriage return become spaces (XML attribute-value normalisation); references stay as written.
   */
  decode(from: number, to: number, maxLen: number, tooLong: XmlRejectReason, attr: boolean): string {
    const s = this.s;
    let out = '';
    let run = from;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x26 /* & */) {
        out += s.slice(run, i);
        let semi = -1;
        for (let j = i + 1; j < to && j <= i + 12; j++) {
          if (s.charCodeAt(j) === 0x3b) {
            semi = j;
            break;
          }
        }
        if (semi < 0) this.fail('malformed', `unterminated reference at ${i}`);
        out += this.reference(s.slice(i + 1, semi));
        i = semi;
        run = semi + 1;
        if (out.length > maxLen) this.fail(tooLong, `character data longer than ${maxLen}`);
        continue;
      }
      if (attr && c === 0x3c /* < */) this.fail('malformed', `< in an attribute value at ${i}`);
      if (c < 0x20) {
        if (c !== 0x9 && c !== 0xa && c !== 0xd) this.fail('bad-char', `illegal character U+${c.toString(16)} at ${i}`);
        if (attr) {
          out += s.slice(run, i) + ' ';
          run = i + 1;
        }
      } else if (c >= 0xd800) {
        if (c <= 0xdbff) {
          const n = i + 1 < to ? s.charCodeAt(i + 1) : 0;
          if (n < 0xdc00 || n > 0xdfff) this.fail('bad-char', `unpaired surrogate at ${i}`);
          i++;
        } else if (c <= 0xdfff || c === 0xfffe || c === 0xffff) this.fail('bad-char', `illegal character U+${c.toString(16)} at ${i}`);
      }
      if (i - run + out.length > maxLen) this.fail(tooLong, `character data longer than ${maxLen}`);
    }
    out += s.slice(run, to);
    if (out.length > maxLen) this.fail(tooLong, `character data longer than ${maxLen}`);
    return out;
  }

  /** The character a reference (the text between `&` and `;`) stands for. */
  reference(ref: string): string {
    if (ref === 'lt') return '<';
    if (ref === 'gt') return '>';
    if (ref === 'amp') return '&';
    if (ref === 'quot') return '"';
    if (ref === 'apos') return "'";
    if (ref.charCodeAt(0) === 0x23 /* # */) {
      const hex = ref.charCodeAt(1) === 0x78; /* x */
      const digits = ref.slice(hex ? 2 : 1);
      if (digits.length === 0 || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) this.fail('bad-char-ref', `bad character reference &${ref};`);
      const cp = parseInt(digits, hex ? 16 : 10);
      const legal = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
      if (!legal) this.fail('bad-char-ref', `reference to an illegal character &${ref};`);
      return String.fromCodePoint(cp);
    }
    // No DTD is accepted, so no other entity can have been declared.
    return this.fail('entity', `undeclared entity &${ref};`);
  }

  /** Skips `<!-- … -->` starting at pos. */
  comment(): void {
    const end = this.s.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('malformed', 'unterminated comment');
    this.checkChars(this.pos + 4, end);
    this.pos = end + 3;
  }

  /** At `<!`: a comment is skipped; DOCTYPE / ENTITY / anything else is refused with its reason. */
  bang(inContent: boolean): string | null {
    if (this.startsWith('<!--')) {
      this.comment();
      return null;
    }
    if (inContent && this.startsWith('<![CDATA[')) {
      const start = this.pos + 9;
      const end = this.s.indexOf(']]>', start);
      if (end < 0) this.fail('malformed', 'unterminated CDATA');
      if (end - start > this.lim.maxTextLength) this.fail('text-too-long', `CDATA longer than ${this.lim.maxTextLength}`);
      this.checkChars(start, end);
      this.pos = end + 3;
      return this.s.slice(start, end);
    }
    const word = this.s.slice(this.pos + 2, this.pos + 9).toUpperCase();
    if (word.startsWith('DOCTYPE')) this.fail('doctype', 'DOCTYPE is not accepted (no DTDs, no entity declarations)');
    if (word.startsWith('ENTITY')) this.fail('entity', 'entity declarations are not accepted');
    return this.fail('malformed', `unexpected <! at ${this.pos}`);
  }

  /** The leading `<?xml …?>` declaration. */
  declaration(): void {
    const end = this.s.indexOf('?>', this.pos);
    if (end < 0 || end - this.pos > 256) this.fail('malformed', 'unterminated XML declaration');
    const body = this.s.slice(this.pos + 5, end);
    if (body.length > 0 && !isSpace(body.charCodeAt(0))) this.fail('processing-instruction', 'processing instructions are not accepted');
    this.checkChars(this.pos, end);
    this.pos = end + 2;
  }

  /** Attributes of a start tag up to (not including) `>` or `/>`. */
  attributes(attrs: Map<string, string>): void {
    const s = this.s;
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      const c = s.charCodeAt(this.pos);
      if (this.pos >= s.length) this.fail('malformed', 'unterminated start tag');
      if (c === 0x3e /* > */ || c === 0x2f /* / */) return;
      if (this.pos === before) this.fail('malformed', `space expected before attribute at ${this.pos}`);
      const name = this.name();
      this.skipSpace();
      if (s.charCodeAt(this.pos) !== 0x3d /* = */) this.fail('malformed', `= expected after ${name}`);
      this.pos++;
      this.skipSpace();
      const q = s.charCodeAt(this.pos);
      if (q !== 0x22 && q !== 0x27) this.fail('malformed', `quoted value expected for ${name}`);
      const start = this.pos + 1;
      const end = s.indexOf(q === 0x22 ? '"' : "'", start);
      if (end < 0) this.fail('malformed', `unterminated value of ${name}`);
      if (end - start > this.lim.maxAttributeLength * 8) this.fail('attribute-too-long', `value of ${name} is too long`);
      if (attrs.has(name)) this.fail('duplicate-attribute', `duplicate attribute ${name}`);
      if (attrs.size >= this.lim.maxAttributes) this.fail('too-many-attributes', `more than ${this.lim.maxAttributes} attributes`);
      attrs.set(name, this.decode(start, end, this.lim.maxAttributeLength, 'attribute-too-long', true));
      this.pos = end + 1;
    }
  }

  parse(): XmlElement {
    const s = this.s, lim = this.lim;
    if (s.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (this.startsWith('<?xml')) this.declaration();
    // Prolog: whitespace and comments only.
    for (;;) {
      this.skipSpace();
      if (this.pos >= s.length) this.fail('empty', 'no element');
      if (this.startsWith('<!')) {
        this.bang(false);
        continue;
      }
      if (this.startsWith('<?')) this.fail('processing-instruction', 'processing instructions are not accepted');
      if (s.charCodeAt(this.pos) !== 0x3c) this.fail('malformed', 'content before the root element');
      break;
    }
    const stack: XmlElement[] = [];
    let root: XmlElement | null = null;
    while (this.pos < s.length) {
      const lt = s.indexOf('<', this.pos);
      const top = stack.length ? stack[stack.length - 1] : null;
      if (lt !== this.pos) {
        // Character data up to the next markup.
        const end = lt < 0 ? s.length : lt;
        if (!top) {
          for (let i = this.pos; i < end; i++) if (!isSpace(s.charCodeAt(i))) this.fail('trailing-content', 'content after the root element');
          this.pos = end;
          continue;
        }
        const t = this.decode(this.pos, end, lim.maxTextLength, 'text-too-long', false);
        // A literal `]]>` may not appear in character data (an escaped `]]&gt;` may).
        if (s.slice(this.pos, end).includes(']]>')) this.fail('malformed', ']]> in character data');
        top.text += t;
        if (top.text.length > lim.maxTextLength) this.fail('text-too-long', `text longer than ${lim.maxTextLength}`);
        this.pos = end;
        if (lt < 0) break;
        continue;
      }
      const c1 = s.charCodeAt(this.pos + 1);
      if (c1 === 0x21 /* ! */) {
        const cdata = this.bang(top !== null);
        if (cdata !== null && top) {
          top.text += cdata;
          if (top.text.length > lim.maxTextLength) this.fail('text-too-long', `text longer than ${lim.maxTextLength}`);
        }
        continue;
      }
      if (c1 === 0x3f /* ? */) this.fail('processing-instruction', 'processing instructions are not accepted');
      if (c1 === 0x2f /* / */) {
        this.pos += 2;
        const name = this.name();
        this.skipSpace();
        if (s.charCodeAt(this.pos) !== 0x3e) this.fail('malformed', `> expected to close ${name}`);
        this.pos++;
        if (!top) this.fail('malformed', `end tag ${name} without a start tag`);
        if (top.name !== name) this.fail('mismatched-tag', `</${name}> closes <${top.name}>`);
        stack.pop();
        continue;
      }
      // A start tag.
      if (root && stack.length === 0) this.fail('trailing-content', 'a second root element');
      this.pos++;
      const name = this.name();
      if (++this.elements > lim.maxElements) this.fail('too-many-elements', `more than ${lim.maxElements} elements`);
      if (stack.length >= lim.maxDepth) this.fail('too-deep', `nesting deeper than ${lim.maxDepth}`);
      const el: XmlElement = { name, attrs: new Map(), children: [], text: '' };
      this.attributes(el.attrs);
      if (top) top.children.push(el);
      else root = el;
      if (s.charCodeAt(this.pos) === 0x2f) {
        if (s.charCodeAt(this.pos + 1) !== 0x3e) this.fail('malformed', `/> expected in ${name}`);
        this.pos += 2;
      } else {
        this.pos++; // '>'
        stack.push(el);
      }
    }
    if (stack.length) this.fail('malformed', `unclosed <${stack[stack.length - 1].name}>`);
    if (!root) this.fail('empty', 'no element');
    return root;
  }
}

/**
 * Parses one XML document under the limits. Never throws for any input string.
 * @param input the document (callers decode bytes as UTF-8 after checking the byte length)
 */
export function parseXml(input: string, limits: Partial<XmlLimits> = {}): XmlParseResult {
  const lim = { ...DEFAULT_XML_LIMITS, ...limits };
  if (input.length === 0) return { ok: false, reason: 'empty', message: 'empty input' };
  if (input.length > lim.maxChars) return { ok: false, reason: 'too-large', message: `input longer than ${lim.maxChars}` };
  try {
    return { ok: true, root: new Scanner(input, lim).parse() };
  } catch (e) {
    if (e instanceof Reject) return { ok: false, reason: e.reason, message: e.message };
    // A bug in the scanner must still not take down the listener; report it as malformed.
    return { ok: false, reason: 'malformed', message: `parser error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The first child element with this name, or null. */
export function child(el: XmlElement, name: string): XmlElement | null {
  for (const c of el.children) if (c.name === name) return c;
  return null;
}
