/**
 * A JSON parser that keeps every key of an object in order, duplicates included. tshark's `-T json`
 * repeats keys (two "Raw packet header" records in one sample, "ip.addr" twice, two samples with
 * the same sequence number), which JSON.parse would silently collapse.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | OrderedObject;

export class OrderedObject {
  readonly entries: [string, JsonValue][] = [];

  /** The first value under `key`. */
  get(key: string): JsonValue | undefined {
    for (const [k, v] of this.entries) if (k === key) return v;
    return undefined;
  }

  /** The first value under `key` as a string, or undefined. */
  str(key: string): string | undefined {
    const v = this.get(key);
    return typeof v === 'string' ? v : undefined;
  }

  /** The first value under `key` that is an object. */
  obj(key: string): OrderedObject | undefined {
    const v = this.get(key);
    return v instanceof OrderedObject ? v : undefined;
  }
}

export function parseOrderedJson(text: string): JsonValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`bad JSON at ${i}: ${what}`);
  };
  const str = (): string => {
    // Reuse JSON.parse for escapes: find the closing quote, skipping escaped characters.
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): JsonValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o = new OrderedObject();
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail('expected :');
        o.entries.push([k, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] !== '}') fail('expected , or }');
        return o;
      }
    }
    if (c === '[') {
      i++;
      const a: JsonValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] !== ']') fail('expected , or ]');
        return a;
      }
    }
    if (c === '"') return str();
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
    if (!m) return fail('unexpected character');
    i += m[1]!.length;
    return JSON.parse(m[1]!) as JsonValue;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing data');
  return v;
}
