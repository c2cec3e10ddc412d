/**
 * The Cursor-on-Target event as a plain value, and its XML form.
 *
 * One model serves both encodings Centinela speaks: CoT XML (the "traditional protocol") and TAK
 * protocol v1 (protobuf, see takproto.ts), so a track reads the same whichever a receiver gets.
 * Numbers are rounded once, when the model is built, so the XML text and the protobuf doubles
 * carry identical values.
 *
 * XML follows MITRE's CoT Base-Event schema 2.0 (Event-PUBLIC.xsd, MITRE case #11-3895):
 * `event` with required `version` (decimal ≥ 2), `uid`, `type` (pattern `\w+(-\w+)*(;[^;]*)?`),
 * `time`/`start`/`stale` (xs:dateTime), `how` (pattern `\w(-\w+)*`); exactly one `point` with
 * `lat` [−90, 90], `lon` [−180, 180], `hae`, `ce`, `le` (all xs:decimal — so never exponent
 * notation, NaN or Infinity); at most one `detail` whose children are open.
 */

/** MITRE/TAK convention for an unknown `hae`, `ce` or `le` (TAK treats any value ≥ 999999 as unknown). */
export const COT_UNKNOWN = 9999999;

/** Latest instant xs:dateTime can carry with a four-digit year (9999-12-31T23:59:59.999Z). */
const MAX_TIME_MS = 253402300799999;

export interface CotContact {
  callsign: string;
  endpoint?: string;
}

export interface CotGroup {
  name: string;
  role: string;
}

export interface CotTrackDetail {
  /** Degrees clockwise from true north, [0, 360). */
  course: number;
  /** Horizontal speed, m/s. */
  speed: number;
}

/** The `<detail>` children Centinela writes or reads; others travel as raw XML in `xmlDetail`. */
export interface CotDetail {
  contact?: CotContact;
  group?: CotGroup;
  track?: CotTrackDetail;
  /** Free text of `<remarks>`. */
  remarks?: string;
  /**
   * Further detail children as serialized XML, without the `<detail>` wrapper (TAK protocol v1's
   * `xmlDetail`). Written verbatim: it must already be well-formed and escaped.
   */
  xmlDetail?: string;
}

export interface CotEvent {
  uid: string;
  type: string;
  how: string;
  /** `time`: when the event was generated, ms since the Unix epoch (UTC). */
  timeMs: number;
  /** `start` of the validity interval, ms. */
  startMs: number;
  /** `stale`: end of the validity interval, ms. */
  staleMs: number;
  latDeg: number;
  lonDeg: number;
  /** Height above the WGS84 ellipsoid, m; {@link COT_UNKNOWN} when unknown. */
  haeM: number;
  /** Horizontal 1-sigma circular error, m; {@link COT_UNKNOWN} when unknown. */
  ceM: number;
  /** Vertical 1-sigma linear error, m; {@link COT_UNKNOWN} when unknown. */
  leM: number;
  access?: string;
  qos?: string;
  opex?: string;
  detail: CotDetail;
}

export const COT_TYPE_PATTERN = /^\w+(-\w+)*(;[^;]*)?$/;
export const COT_HOW_PATTERN = /^\w(-\w+)*$/;

/**
 * A number as an xs:decimal with at most `digits` fraction digits: fixed notation, trailing zeros
 * trimmed to one, never `-0`. Deterministic, so two runs print the same bytes.
 * @throws RangeError for a non-finite value or one past 1e15 (toFixed would switch to exponents
 *   at 1e21; nothing Centinela writes comes near 1e15)
 */
export function formatDecimal(x: number, digits: number): string {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e15) throw new RangeError(`not a CoT decimal: ${x}`);
  let s = x.toFixed(digits);
  if (s.includes('.')) {
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48 /* 0 */) end--;
    s = s.slice(0, end);
    if (s.endsWith('.')) s += '0';
  } else {
    s += '.0';
  }
  if (/^-0\.0$/.test(s)) s = '0.0';
  return s;
}

/** Rounds to `digits` decimals the way {@link formatDecimal} prints, so model and text agree. */
export function roundTo(x: number, digits: number): number {
  const r = Number(x.toFixed(digits));
  return r === 0 ? 0 : r; // no -0
}

/** A CoT time: ISO 8601 UTC with milliseconds (`2024-05-01T12:00:00.000Z`). */
export function cotTime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) throw new RangeError(`time out of the CoT range: ${ms}`);
  return new Date(Math.round(ms)).toISOString();
}

/** Whether a code point is a legal XML 1.0 Char. */
export function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Escapes text for an XML attribute value (`"`-quoted) or element content. Characters XML 1.0
 * cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF) are dropped: track identities
 * come from radio broadcasts, and one bad byte must not make the whole event unparseable.
 * Tab, newline and carriage return become character references in attributes so that attribute
 * value normalisation does not turn them into spaces.
 */
export function escapeXml(s: string, attribute: boolean): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    if (c === 38) rep = '&amp;';
    else if (c === 60) rep = '&lt;';
    else if (c === 62) rep = '&gt;';
    else if (attribute && c === 34) rep = '&quot;';
    else if (attribute && c === 39) rep = '&apos;';
    else if (c === 0xd) rep = '&#13;';
    else if (attribute && c === 0x9) rep = '&#9;';
    else if (attribute && c === 0xa) rep = '&#10;';
    else if (c < 0x20 && c !== 0x9 && c !== 0xa) rep = '';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++; // a valid pair: keep both halves
        continue;
      }
      rep = '';
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) rep = '';
    if (rep !== null) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/**
 * The string with every character XML 1.0 cannot carry removed (controls other than tab, newline
 * and carriage return; lone surrogates; U+FFFE/U+FFFF). Event builders apply it to text that comes
 * from outside (identities, callsigns), so the model holds exactly what the wire will carry.
 */
export function xmlSafe(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let drop = false;
    if (c < 0x20) drop = c !== 0x9 && c !== 0xa && c !== 0xd;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else drop = true;
    } else drop = (c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff;
    if (drop) {
      out += s.slice(start, i);
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/**
 * Checks an event against the schema rules before it leaves (MITRE patterns, ranges, stale after
 * start). Returns null when valid, or what is wrong. Producers call it so a bug upstream shows as
 * a counted error, not as an event a TAK client silently drops.
 */
export function cotEventProblem(ev: CotEvent): string | null {
  if (ev.uid.length === 0) return 'empty uid';
  if (!COT_TYPE_PATTERN.test(ev.type)) return `type "${ev.type}" does not match the CoT pattern`;
  if (!COT_HOW_PATTERN.test(ev.how)) return `how "${ev.how}" does not match the CoT pattern`;
  for (const [k, v] of [['time', ev.timeMs], ['start', ev.startMs], ['stale', ev.staleMs]] as const) {
    if (!Number.isFinite(v) || v < 0 || v > MAX_TIME_MS) return `${k} out of range`;
  }
  if (!(ev.staleMs > ev.startMs)) return 'stale is not after start';
  if (!(ev.latDeg >= -90 && ev.latDeg <= 90)) return 'lat out of [-90, 90]';
  if (!(ev.lonDeg >= -180 && ev.lonDeg <= 180)) return 'lon out of [-180, 180]';
  for (const [k, v] of [['hae', ev.haeM], ['ce', ev.ceM], ['le', ev.leM]] as const) {
    if (!Number.isFinite(v) || Math.abs(v) >= 1e15) return `${k} is not a finite decimal`;
  }
  if (ev.ceM < 0 || ev.leM < 0) return 'negative ce or le';
  if (ev.qos !== undefined && !/^\d-\w-\w$/.test(ev.qos)) return 'qos does not match digit-char-char';
  const t = ev.detail.track;
  if (t && (!(t.course >= 0 && t.course < 360) || !(t.speed >= 0) || !Number.isFinite(t.speed))) return 'track course/speed out of range';
  return null;
}

export interface XmlWriteOptions {
  /** Prefix `<?xml …?>` and a newline, as TAK streaming and multicast peers expect (default true). */
  declaration?: boolean;
  /** Indent children on their own lines (for people; default one line). */
  pretty?: boolean;
}

/** The XML declaration TAK clients send before each event. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

const attr = (name: string, value: string): string => ` ${name}="${escapeXml(value, true)}"`;

/**
 * Serialises an event as CoT XML. Attribute order and number formats are fixed, so equal events
 * give equal bytes. Lat/lon carry 7 decimals (≈ 1 cm), heights and errors 2, course/speed 2.
 */
export function cotEventToXml(ev: CotEvent, options: XmlWriteOptions = {}): string {
  const { declaration = true, pretty = false } = options;
  const nl = pretty ? '\n' : '';
  const ind = (n: number) => (pretty ? '  '.repeat(n) : '');
  let s = declaration ? XML_DECLARATION + '\n' : '';
  s += '<event' + attr('version', '2.0') + attr('uid', ev.uid) + attr('type', ev.type) + attr('how', ev.how);
  s += attr('time', cotTime(ev.timeMs)) + attr('start', cotTime(ev.startMs)) + attr('stale', cotTime(ev.staleMs));
  if (ev.access !== undefined) s += attr('access', ev.access);
  if (ev.qos !== undefined) s += attr('qos', ev.qos);
  if (ev.opex !== undefined) s += attr('opex', ev.opex);
  s += '>' + nl;
  s += ind(1) + '<point' + attr('lat', formatDecimal(ev.latDeg, 7)) + attr('lon', formatDecimal(ev.lonDeg, 7));
  s += attr('hae', formatDecimal(ev.haeM, 2)) + attr('ce', formatDecimal(ev.ceM, 2)) + attr('le', formatDecimal(ev.leM, 2)) + '/>' + nl;
  const children = detailChildren(ev.detail);
  if (children.length > 0) {
    s += ind(1) + '<detail>' + nl;
    for (const c of children) s += ind(2) + c + nl;
    s += ind(1) + '</detail>' + nl;
  }
  s += '</event>';
  return s;
}

/** The `<detail>` children as XML strings, in a fixed order: contact, __group, track, remarks, then xmlDetail. */
export function detailChildren(d: CotDetail): string[] {
  const out: string[] = [];
  if (d.contact) out.push(contactXml(d.contact));
  if (d.group) out.push(groupXml(d.group));
  if (d.track) out.push(trackXml(d.track));
  if (d.remarks !== undefined) out.push(remarksXml(d.remarks));
  if (d.xmlDetail) out.push(d.xmlDetail);
  return out;
}

export const contactXml = (c: CotContact): string =>
  '<contact' + (c.endpoint !== undefined ? attr('endpoint', c.endpoint) : '') + attr('callsign', c.callsign) + '/>';
export const groupXml = (g: CotGroup): string => '<__group' + attr('name', g.name) + attr('role', g.role) + '/>';
export const trackXml = (t: CotTrackDetail): string =>
  '<track' + attr('course', formatDecimal(t.course, 2)) + attr('speed', formatDecimal(t.speed, 2)) + '/>';
export const remarksXml = (r: string): string => '<remarks>' + escapeXml(r, false) + '</remarks>';

/**
 * A TAK delete event (`t-x-d-d` with `<__forcedelete/>`) for a track that ended: TAK clients
 * drop the object at once instead of showing it until its stale time.
 */
export function cotDeleteEvent(uid: string, timeMs: number, staleAfterMs = 20_000): CotEvent {
  const t = Math.round(timeMs);
  return {
    uid: `${uid}.delete`,
    type: 't-x-d-d',
    how: 'm-g',
    timeMs: t,
    startMs: t,
    staleMs: t + staleAfterMs,
    latDeg: 0,
    lonDeg: 0,
    haeM: 0,
    ceM: COT_UNKNOWN,
    leM: COT_UNKNOWN,
    detail: { xmlDetail: `<link${attr('uid', uid)} relation="none" type="none"/><__forcedelete/>` },
  };
}
