/** Hand-built BOOTP/DHCP messages (RFC 2131 layout) for tests; tshark decodes what these build. */

export interface BootpFields {
  readonly op: number;
  readonly htype?: number;
  readonly hlen?: number;
  readonly xid?: number;
  readonly ciaddr?: string;
  readonly yiaddr?: string;
  readonly siaddr?: string;
  readonly giaddr?: string;
  readonly chaddr?: string;
  /** The 64-byte sname and 128-byte file fields (zero-padded). */
  readonly sname?: number[];
  readonly file?: number[];
  /** Without the magic cookie: a plain BOOTP message with a zeroed vendor area. */
  readonly noCookie?: boolean;
  /** Option bytes after the cookie (include the End option yourself). */
  readonly options?: number[];
}

function addr(text = '0.0.0.0'): number[] {
  return text.split('.').map(Number);
}

function padded(bytes: number[] | undefined, size: number): number[] {
  const out = [...(bytes ?? [])];
  if (out.length > size) throw new Error(`field longer than ${size} bytes`);
  while (out.length < size) out.push(0);
  return out;
}

export function bootp(f: BootpFields): number[] {
  const xid = f.xid ?? 0x12345678;
  const mac = (f.chaddr ?? '02:00:00:00:00:01').split(':').map((h) => Number.parseInt(h, 16));
  const head = [
    f.op,
    f.htype ?? 1,
    f.hlen ?? 6,
    0,
    (xid >>> 24) & 0xff,
    (xid >>> 16) & 0xff,
    (xid >>> 8) & 0xff,
    xid & 0xff,
    0,
    0,
    0,
    0,
    ...addr(f.ciaddr),
    ...addr(f.yiaddr),
    ...addr(f.siaddr),
    ...addr(f.giaddr),
    ...padded(mac, 16),
    ...padded(f.sname, 64),
    ...padded(f.file, 128),
  ];
  if (f.noCookie) return [...head, ...new Array<number>(64).fill(0)];
  return [...head, 99, 130, 83, 99, ...(f.options ?? [255])];
}

/** One option: code, length, value. */
export function opt(code: number, value: number[] | string): number[] {
  const bytes = typeof value === 'string' ? [...Buffer.from(value, 'latin1')] : value;
  return [code, bytes.length, ...bytes];
}

export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}
