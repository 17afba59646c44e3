/** DNS record types, classes and response codes by number and name (RFC 1035, 3596, 2782, 6844, 6891). */

const typeNames: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  13: 'HINFO',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  35: 'NAPTR',
  41: 'OPT',
  43: 'DS',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  64: 'SVCB',
  65: 'HTTPS',
  255: 'ANY',
  257: 'CAA',
};
const typeCodes = new Map(Object.entries(typeNames).map(([code, name]) => [name, Number(code)]));

export const rrType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  CAA: 257,
};

/** 'A' for 1; 'TYPE65280' (RFC 3597) for a type without a name here. */
export function typeName(code: number): string {
  return typeNames[code] ?? `TYPE${code}`;
}

/** The number of a type given by name ('mx', 'AAAA') or as TYPEnnn; undefined when unknown. */
export function typeCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = typeCodes.get(upper);
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  const n = m === null ? Number.NaN : Number(m[1]);
  return n >= 0 && n <= 65_535 ? n : undefined;
}

export function className(code: number): string {
  return code === 1 ? 'IN' : code === 3 ? 'CH' : code === 4 ? 'HS' : `CLASS${code}`;
}

const rcodeNames = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
];

/** NOERROR, NXDOMAIN, … ; BADVERS for 16 (EDNS); RCODEnn otherwise. */
export function rcodeName(code: number): string {
  if (code === 16) return 'BADVERS';
  return rcodeNames[code] ?? `RCODE${code}`;
}
