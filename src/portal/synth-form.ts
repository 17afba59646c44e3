import type { SynthType } from './synth-sql.js';

/**
 * The create/edit form of a synthetic test: every field as the text typed, turned into the body
 * of POST/PUT /api/v1/synth/tests (docs/synth.md "Server API"). Fields left empty are left out so
 * the server's defaults apply; the server checks the rest and its `bad_test` message names the
 * field. Options the form does not show (an HTTP test's CA) are kept as they were on edit.
 */

export interface FormField {
  readonly key: string;
  readonly label: string;
  readonly kind: 'text' | 'int' | 'select' | 'bool' | 'lines';
  readonly options?: readonly string[];
  /** The server's default, shown as the placeholder. */
  readonly placeholder?: string;
}

export const commonFields: readonly FormField[] = [
  { key: 'label', label: 'Label', kind: 'text', placeholder: 'edge router' },
  { key: 'intervalS', label: 'Interval (s)', kind: 'int', placeholder: '60' },
  { key: 'timeoutMs', label: 'Timeout (ms)', kind: 'int', placeholder: 'per type' },
  { key: 'family', label: 'Address family', kind: 'select', options: ['', '4', '6'] },
  { key: 'agents', label: 'Agents (ids, comma-separated; empty: all)', kind: 'text', placeholder: 'all' },
];

export const typeFields: Readonly<Record<SynthType, readonly FormField[]>> = {
  ping: [
    { key: 'target', label: 'Target', kind: 'text', placeholder: '192.0.2.1' },
    { key: 'count', label: 'Packets', kind: 'int', placeholder: '5' },
    { key: 'packetIntervalMs', label: 'Packet interval (ms)', kind: 'int', placeholder: '200' },
    { key: 'size', label: 'Payload bytes', kind: 'int', placeholder: '56' },
  ],
  trace: [
    { key: 'target', label: 'Target', kind: 'text', placeholder: '192.0.2.1' },
    { key: 'protocol', label: 'Protocol', kind: 'select', options: ['udp', 'icmp'] },
    { key: 'maxHops', label: 'Max hops', kind: 'int', placeholder: '30' },
    { key: 'probesPerHop', label: 'Probes per hop', kind: 'int', placeholder: '3' },
    { key: 'port', label: 'First UDP port', kind: 'int', placeholder: '33434' },
  ],
  http: [
    { key: 'url', label: 'URL', kind: 'text', placeholder: 'https://example.net/health' },
    {
      key: 'method',
      label: 'Method',
      kind: 'select',
      options: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'],
    },
    { key: 'expectStatus', label: 'Expected status', kind: 'int', placeholder: 'any 2xx/3xx' },
    { key: 'bodyMatch', label: 'Body must match (regular expression)', kind: 'text' },
    { key: 'headers', label: 'Headers (Name: value, one per line)', kind: 'lines' },
    { key: 'insecure', label: 'Skip certificate verification', kind: 'bool' },
  ],
  dns: [
    { key: 'target', label: 'DNS server', kind: 'text', placeholder: '192.0.2.53' },
    { key: 'name', label: 'Name to query', kind: 'text', placeholder: 'example.net' },
    { key: 'recordType', label: 'Record type', kind: 'text', placeholder: 'A' },
    { key: 'port', label: 'Port', kind: 'int', placeholder: '53' },
    { key: 'transport', label: 'Transport', kind: 'select', options: ['udp', 'tcp'] },
  ],
  tcp: [
    { key: 'target', label: 'Target', kind: 'text', placeholder: '192.0.2.1' },
    { key: 'port', label: 'Port', kind: 'int', placeholder: '443' },
  ],
};

export type FormValues = Readonly<Record<string, string>>;

export class FormError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request body for the form's values; `kept` are options of the edited test the form does not show. */
export function formToInput(
  type: SynthType,
  values: FormValues,
  kept: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = { type, ...kept };
  for (const field of [...typeFields[type], ...commonFields]) {
    const raw = (values[field.key] ?? '').trim();
    if (field.key === 'agents') {
      const ids = raw.split(/[\s,]+/).filter((s) => s !== '' && s !== 'all');
      body.agents = ids.length === 0 ? 'all' : ids;
      continue;
    }
    if (field.key === 'label') {
      body.label = raw;
      continue;
    }
    if (raw === '') continue;
    switch (field.kind) {
      case 'int': {
        if (!/^-?\d+$/.test(raw))
          throw new FormError(field.key, `${field.label}: expected a whole number, got "${raw}"`);
        body[field.key] = Number(raw);
        break;
      }
      case 'bool':
        if (raw === 'true') body[field.key] = true;
        break;
      case 'lines':
        body[field.key] = headerLines(field, raw);
        break;
      default:
        body[field.key] = field.key === 'family' ? Number(raw) : raw;
    }
  }
  return body;
}

function headerLines(field: FormField, raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of raw.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw new FormError(field.key, `${field.label}: expected "Name: value", got "${line.trim()}"`);
    out[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** The form's values for an existing test (GET /api/v1/synth/tests), and the options it keeps as they are. */
export function testToForm(test: Readonly<Record<string, unknown>>): {
  type: SynthType;
  values: Record<string, string>;
  kept: Record<string, unknown>;
} {
  const type = test.type as SynthType;
  const values: Record<string, string> = {};
  const shown = new Set([...typeFields[type], ...commonFields].map((f) => f.key));
  for (const key of shown) {
    const v = test[key];
    if (v === undefined || v === null) continue;
    if (key === 'agents') values.agents = v === 'all' ? '' : (v as string[]).join(', ');
    else if (key === 'headers')
      values.headers = Object.entries(v as Record<string, string>)
        .map(([k, x]) => `${k}: ${x}`)
        .join('\n');
    else values[key] = String(v);
  }
  const kept: Record<string, unknown> = {};
  if (type === 'http' && typeof test.ca === 'string') kept.ca = test.ca;
  return { type, values, kept };
}
