import { HttpError } from './respond.js';

export type ResultFormat = 'json' | 'csv';

const byMediaType: Record<string, ResultFormat> = {
  'application/json': 'json',
  'application/*': 'json',
  '*/*': 'json',
  'text/csv': 'csv',
  'text/*': 'csv',
};

/**
 * The result format a request asks for: `?format=json|csv` if given, else the best of its Accept
 * header by q-value (RFC 9110 section 12.5.1; ties go to the first listed), JSON without one.
 */
export function resultFormat(accept: string | undefined, format: string | null): ResultFormat {
  if (format !== null) {
    if (format === 'json' || format === 'csv') return format;
    throw new HttpError(400, 'bad_parameter', `format: expected json or csv, got ${JSON.stringify(format)}`);
  }
  if (accept === undefined || accept.trim() === '') return 'json';
  let best: ResultFormat | undefined;
  let bestQ = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    const match = byMediaType[type];
    if (match !== undefined && q > bestQ) {
      best = match;
      bestQ = q;
    }
  }
  if (best === undefined)
    throw new HttpError(
      406,
      'not_acceptable',
      `results are served as application/json or text/csv, not ${JSON.stringify(accept)}`,
    );
  return best;
}
