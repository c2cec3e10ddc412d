/**
 * Schema checks for CoT XML written from MITRE's public CoT Base-Event schema 2.0
 * (Event-PUBLIC.xsd, MITRE case #11-3895) and the CoT track sub-schema, independent of the code
 * under test (its own small tag reader; it never calls src/ingest).
 *
 * event:  xs:all of exactly one <point> and at most one <detail>; attributes
 *         version   required, xs:decimal, ≥ 2
 *         uid       required, xs:string (non-empty here)
 *         type      required, pattern \w+(-\w+)*(;[^;]*)?
 *         time, start, stale  required, xs:dateTime (CCYY-MM-DDThh:mm:ss[.s+]Z as CoT writes it)
 *         how       required, pattern \w(-\w+)*
 *         access, qos (pattern \d-\w-\w), opex  optional; no other attribute
 * point:  lat (decimal, −90…90), lon (decimal, −180…180), hae, ce, le (decimal), all required,
 *         no other attribute, no children
 * detail: open content (xs:any lax)
 * track:  course decimal 0 ≤ c < 360, speed decimal ≥ 0 (CoT track schema)
 * Plus what a sane validity window needs: stale after start.
 */

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TYPE = /^\w+(-\w+)*(;[^;]*)?$/;
const HOW = /^\w(-\w+)*$/;
const QOS = /^\d-\w-\w$/;

interface Tag {
  name: string;
  attrs: Map<string, string>;
  selfClosing: boolean;
  closing: boolean;
}

function unescape(v: string): string {
  return v.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
}

/** Reads the tags of a document (enough for the flat CoT Centinela writes). */
function tags(xml: string): Tag[] {
  const out: Tag[] = [];
  const re = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/g;
  const attrRe = /([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    const attrs = new Map<string, string>();
    let a: RegExpExecArray | null;
    while ((a = attrRe.exec(m[3]))) {
      if (attrs.has(a[1])) throw new Error(`duplicate attribute ${a[1]}`);
      attrs.set(a[1], unescape(a[2]));
    }
    out.push({ name: m[2], attrs, closing: m[1] === '/', selfClosing: m[4] === '/' });
  }
  return out;
}

export interface SchemaReport {
  problems: string[];
  event: Map<string, string>;
  point: Map<string, string>;
}

/** Every schema problem of one CoT XML document (empty when valid). */
export function cotSchemaProblems(xml: string): SchemaReport {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  if (/<!DOCTYPE|<!ENTITY/.test(body)) problems.push('DTD present');
  const t = tags(body);
  const root = t[0];
  if (!root || root.name !== 'event' || root.closing) {
    return { problems: ['root is not <event>'], event: new Map(), point: new Map() };
  }
  if (!body.trimEnd().endsWith('</event>') && !root.selfClosing) problems.push('document does not end with </event>');
  const ev = root.attrs;
  const allowed = new Set(['version', 'uid', 'type', 'access', 'qos', 'opex', 'time', 'start', 'stale', 'how']);
  for (const k of ev.keys()) if (!allowed.has(k)) problems.push(`event has attribute ${k} the schema does not declare`);
  const version = ev.get('version');
  if (version === undefined || !DECIMAL.test(version) || Number(version) < 2) problems.push(`version ${version}`);
  if (!ev.get('uid')) problems.push('uid missing or empty');
  const type = ev.get('type');
  if (type === undefined || !TYPE.test(type)) problems.push(`type ${type}`);
  const how = ev.get('how');
  if (how === undefined || !HOW.test(how)) problems.push(`how ${how}`);
  for (const k of ['time', 'start', 'stale']) {
    const v = ev.get(k);
    if (v === undefined || !DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) problems.push(`${k} ${v} is not an xs:dateTime`);
  }
  const start = Date.parse(ev.get('start') ?? ''), stale = Date.parse(ev.get('stale') ?? '');
  if (!(stale > start)) problems.push('stale is not after start');
  const qos = ev.get('qos');
  if (qos !== undefined && !QOS.test(qos)) problems.push(`qos ${qos}`);

  // Direct children of <event>.
  let depth = 0;
  const children: Tag[] = [];
  for (const tag of t.slice(1)) {
    if (tag.closing) {
      depth--;
      continue;
    }
    if (depth === 0) children.push(tag);
    if (!tag.selfClosing) depth++;
  }
  const points = children.filter((c) => c.name === 'point');
  const details = children.filter((c) => c.name === 'detail');
  if (points.length !== 1) problems.push(`${points.length} <point> elements`);
  if (details.length > 1) problems.push(`${details.length} <detail> elements`);
  for (const c of children) if (c.name !== 'point' && c.name !== 'detail') problems.push(`<${c.name}> is not allowed in <event>`);
  const p = points[0]?.attrs ?? new Map<string, string>();
  if (points[0] && !points[0].selfClosing) problems.push('<point> has content');
  for (const k of p.keys()) if (!['lat', 'lon', 'hae', 'ce', 'le'].includes(k)) problems.push(`point has attribute ${k}`);
  for (const [k, lo, hi] of [['lat', -90, 90], ['lon', -180, 180], ['hae', -Infinity, Infinity], ['ce', -Infinity, Infinity], ['le', -Infinity, Infinity]] as const) {
    const v = p.get(k);
    if (v === undefined || !DECIMAL.test(v)) problems.push(`point ${k}=${v} is not an xs:decimal`);
    else if (Number(v) < lo || Number(v) > hi) problems.push(`point ${k}=${v} out of range`);
  }
  for (const tr of t.filter((x) => x.name === 'track' && !x.closing)) {
    const course = tr.attrs.get('course'), speed = tr.attrs.get('speed');
    if (course === undefined || !DECIMAL.test(course) || !(Number(course) >= 0 && Number(course) < 360)) problems.push(`track course ${course}`);
    if (speed === undefined || !DECIMAL.test(speed) || !(Number(speed) >= 0)) problems.push(`track speed ${speed}`);
  }
  return { problems, event: ev, point: p };
}
