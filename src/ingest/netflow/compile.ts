import { F } from '../../flow/batch.js';
import { type ColumnElement, columnOf, type LocalName, lengthFits, localOf } from './elements.js';
import {
  type CompiledDecoder,
  type DecodeEnv,
  type RecordDecoder,
  type TemplateField,
  VARIABLE_LENGTH,
} from './template.js';

/**
 * Compiles a data template into a record decoder: JavaScript source generated for exactly this
 * field list (constant offsets, byte reads with shifts, one typed-array store per column), built
 * once with `new Function`. Templates with the same layout share one decoder (see `decoderFor`).
 */

/** A byte position in the record: a segment start variable plus a constant. */
const at = (seg: string, k: number) => (k === 0 ? seg : `${seg} + ${k}`);

/**
 * Expression reading an unsigned big-endian integer of `len` (1..8) bytes at `p`. DataView reads
 * compile to one load and a byte swap, cheaper than assembling bytes with shifts.
 */
function readUint(len: number, p: string): string {
  switch (len) {
    case 1:
      return `buf[${p}]`;
    case 2:
      return `dv.getUint16(${p})`;
    case 3:
      return `((dv.getUint16(${p}) << 8) | buf[${p} + 2])`;
    case 4:
      return `dv.getUint32(${p})`;
    case 8:
      return `(dv.getUint32(${p}) * 4294967296 + dv.getUint32(${p} + 4))`;
    default:
      return `(${readUint(len - 4, p)} * 4294967296 + dv.getUint32(${p} + ${len - 4}))`;
  }
}

interface Placed {
  readonly field: TemplateField;
  readonly index: number;
  /** Segment variable ('o' or 'sN') and constant offset of the field's data. */
  readonly seg: string;
  readonly k: number;
}

/** Lays out the fields: constant offsets inside segments that start after each variable field. */
function place(fields: readonly TemplateField[]): {
  placed: Placed[];
  prepass: string[];
  tail: [string, number];
} {
  const placed: Placed[] = [];
  const prepass: string[] = [];
  let seg = 'o';
  let k = 0;
  let vars = 0;
  fields.forEach((field, index) => {
    if (field.length !== VARIABLE_LENGTH) {
      placed.push({ field, index, seg, k });
      k += field.length;
      return;
    }
    vars++;
    prepass.push(
      `q = ${at(seg, k)};`,
      'if (q >= end) { env.truncated = true; break rec; }',
      'l = buf[q++];',
      'if (l === 255) { if (q + 2 > end) { env.truncated = true; break rec; } l = (buf[q] << 8) | buf[q + 1]; q += 2; }',
      `const s${vars} = q + l;`,
    );
    seg = `s${vars}`;
    k = 0;
  });
  return { placed, prepass, tail: [seg, k] };
}

/** For each column, the fields that fill it: the best-priority one, or for addresses the best IPv4 and IPv6. */
function chooseColumns(placed: Placed[]): Map<number, { el: ColumnElement; p: Placed }[]> {
  const best = new Map<string, { el: ColumnElement; p: Placed }>();
  for (const p of placed) {
    const el = columnOf(p.field.id, p.field.pen);
    if (el === undefined || !lengthFits(el.kind, p.field.length)) continue;
    const slot = el.kind === 'v4' || el.kind === 'v6' ? `${el.column}/${el.kind}` : `${el.column}`;
    const cur = best.get(slot);
    if (cur === undefined || el.priority < cur.el.priority) best.set(slot, { el, p });
  }
  const byColumn = new Map<number, { el: ColumnElement; p: Placed }[]>();
  for (const c of best.values()) {
    const list = byColumn.get(c.el.column) ?? [];
    list.push(c);
    byColumn.set(c.el.column, list);
  }
  return byColumn;
}

function nonZero(p: Placed, n: number): string {
  const bytes: string[] = [];
  for (let i = 0; i < n; i++) bytes.push(`buf[${at(p.seg, p.k + i)}]`);
  return `(${bytes.join(' | ')}) !== 0`;
}

function addrWrite(c: string, p: Placed, v6: boolean): string {
  const lines: string[] = [];
  if (v6) for (let i = 0; i < 16; i++) lines.push(`${c}[r16 + ${i}] = buf[${at(p.seg, p.k + i)}];`);
  else {
    lines.push(`${c}[r16 + 10] = 255;`, `${c}[r16 + 11] = 255;`);
    for (let i = 0; i < 4; i++) lines.push(`${c}[r16 + ${12 + i}] = buf[${at(p.seg, p.k + i)}];`);
  }
  return lines.join(' ');
}

function valueExpr(el: ColumnElement, p: Placed): string {
  const pos = at(p.seg, p.k);
  const len = p.field.length;
  switch (el.kind) {
    case 'mac':
      return `(buf[${pos}] * 1099511627776 + buf[${at(p.seg, p.k + 1)}] * 4294967296 + ${readUint(4, at(p.seg, p.k + 2))})`;
    case 'secs':
      return `${readUint(len, pos)} * 1000`;
    case 'ntp':
      return `((${readUint(4, pos)} - 2208988800) * 1000 + ${readUint(4, at(p.seg, p.k + 4))} / 4294967.296)`;
    case 'uptime':
      return `(tb > 0 ? tb + ${readUint(len, pos)} : 0)`;
    case 'deltaUs':
      return `(exp - ${readUint(len, pos)} / 1000)`;
    case 'mpls':
      return `(${readUint(3, pos)} >>> 4)`;
    default:
      return readUint(len, pos);
  }
}

function generate(fields: readonly TemplateField[], written: number[]): string {
  const { placed, prepass, tail } = place(fields);
  const minLength = fields.reduce((n, f) => n + (f.length === VARIABLE_LENGTH ? 1 : f.length), 0);
  const head: string[] = [];
  const body: string[] = [];
  const late: string[] = [];
  const locals = new Map<LocalName, Placed>();
  for (const p of placed) {
    const name = localOf(p.field.id, p.field.pen);
    if (name !== undefined && p.field.length >= 1 && p.field.length <= 8 && !locals.has(name))
      locals.set(name, p);
  }
  const local = (name: LocalName) => {
    const p = locals.get(name)!;
    return readUint(p.field.length, at(p.seg, p.k));
  };
  if (locals.has('systemInitMs'))
    body.push(`const init = ${local('systemInitMs')}; const tb = init > 0 ? init : base;`);
  else body.push('const tb = base;');

  const columns = chooseColumns(placed);
  let hasV4 = false;
  let hasV6 = false;
  for (const [column, list] of columns) {
    const c = `c${column}`;
    written.push(column);
    head.push(`const ${c} = A[${column}];`);
    const first = list[0]!;
    if (first.el.kind === 'v4' || first.el.kind === 'v6') {
      const both = list.length > 1;
      for (const { el, p } of list.sort((a, b) => (a.el.kind < b.el.kind ? -1 : 1))) {
        const v6 = el.kind === 'v6';
        const isSrcDst = column === F.src_addr || column === F.dst_addr;
        if (isSrcDst && v6) hasV6 = true;
        if (isSrcDst && !v6) hasV4 = true;
        const write = addrWrite(c, p, v6);
        if (!both) body.push(write);
        else body.push(`if (${nonZero(p, v6 ? 16 : 4)}) { ${write}${isSrcDst && v6 ? ' v6 = true;' : ''} }`);
      }
      continue;
    }
    const value = valueExpr(first.el, first.p);
    if (first.el.kind === 'count') late.push(`${c}[row] = ${value} * rate;`);
    else if (first.el.kind === 'uptime') late.push(`${c}[row] = ${value};`);
    else body.push(`${c}[row] = ${value};`);
  }

  // Sampling: the record's own fields, unless the device's configured rate overrides.
  const rateSteps: string[] = [];
  if (locals.has('samplingInterval'))
    rateSteps.push(`const si = ${local('samplingInterval')}; if (si > 0) { rate = si; set = true; }`);
  if (locals.has('packetInterval') && locals.has('packetSpace'))
    rateSteps.push(
      `const pi = ${local('packetInterval')};`,
      `if (!set && pi > 0) { rate = Math.max(1, Math.round((pi + ${local('packetSpace')}) / pi)); set = true; }`,
    );
  if (locals.has('samplerId')) rateSteps.push(`if (!set) rate = samplerRate(env, ${local('samplerId')});`);
  if (rateSteps.length > 0)
    body.unshift('rate = def;', `if (!fixed) { let set = false; ${rateSteps.join(' ')} }`);

  head.push(
    `const cStart = A[${F.i_start_time}], cDev = A[${F.i_device_id}], cName = A[${F.i_device_name}];`,
    `const cRate = A[${F.sample_rate}], cIpv = A[${F.ip_version}];`,
  );
  written.push(F.i_start_time, F.i_device_id, F.i_device_name, F.sample_rate, F.ip_version);
  const ipVersion = hasV4 && hasV6 ? '(v6 ? 6 : 4)' : hasV6 ? '6' : hasV4 ? '4' : '0';
  const ipExpr = locals.has('ipVersion') ? `(iv === 4 || iv === 6 ? iv : ${ipVersion})` : ipVersion;
  const record = [
    'const r16 = row * 16;',
    ...(hasV4 && hasV6 ? ['let v6 = false;'] : []),
    ...(locals.has('ipVersion') ? [`const iv = ${local('ipVersion')};`] : []),
    ...body,
    ...late,
    'cStart[row] = minute; cDev[row] = dev; cName[row] = name; cRate[row] = rate;',
    ...(ipExpr === '0' ? [] : [`cIpv[row] = ${ipExpr};`]),
  ].join('\n    ');

  const fixed = prepass.length === 0;
  const loop = fixed
    ? [
        `const count = ((end - off) / ${minLength}) | 0;`,
        `for (let n = 0; n < count; n++, o += ${minLength}, row++) {`,
        `    ${record}`,
        '}',
        `env.end = o; env.lastRate = rate; return count;`,
      ]
    : [
        'let n = 0, q = 0, l = 0;',
        `rec: while (o + ${minLength} <= end) {`,
        `    ${prepass.join('\n    ')}`,
        `    const next = ${at(tail[0], tail[1])};`,
        '    if (next > end) { env.truncated = true; break; }',
        `    ${record}`,
        '    o = next; n++; row++;',
        '}',
        'env.end = o; env.lastRate = rate; return n;',
      ];
  return [
    "'use strict';",
    ...head,
    'const minute = env.minute, dev = env.deviceId, name = env.nameCode, def = env.rate, fixed = env.fixedRate;',
    'const base = env.timeBase, exp = env.exportMs;',
    'let o = off, rate = def;',
    'env.truncated = false;',
    ...loop,
  ].join('\n');
}

/** Rate of a sampler id from options data, else the domain's default. */
function samplerRate(env: DecodeEnv, id: number): number {
  return env.samplers.get(id) ?? env.rate;
}

/** Generated source of a template's decoder, for debugging. */
export function decoderSource(fields: readonly TemplateField[]): string {
  return generate(fields, []);
}

const cache = new Map<string, CompiledDecoder>();
const CACHE_LIMIT = 4096;

/** Key of a field list: templates with equal keys share one compiled decoder. */
export function layoutKey(fields: readonly TemplateField[]): string {
  return fields.map((f) => `${f.pen}.${f.id}.${f.length}`).join(',');
}

/** The decoder for a field list, compiled on first use and shared by every identical layout. */
export function decoderFor(fields: readonly TemplateField[]): CompiledDecoder {
  const key = layoutKey(fields);
  let compiled = cache.get(key);
  if (compiled !== undefined) return compiled;
  const columns: number[] = [];
  const source = generate(fields, columns);
  const make = new Function(
    'samplerRate',
    `return function decodeRecords(buf, dv, off, end, A, row, env) {\n${source}\n};`,
  );
  compiled = { decode: make(samplerRate) as RecordDecoder, columns, fields: Object.freeze([...fields]) };
  // Bounded: templates keep their own reference, so dropping the oldest entry only costs a recompile.
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

/** Number of distinct compiled layouts (for memory reports). */
export function compiledLayouts(): number {
  return cache.size;
}
