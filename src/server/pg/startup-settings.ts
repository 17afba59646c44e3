/** Startup packet entries that are not run-time settings. */
const notSettings = new Set(['user', 'database', 'options', 'replication']);

/**
 * The run-time settings a client gives in its startup packet (application_name, DateStyle,
 * client_encoding, `options=-c name=value …`), keyed by lower-case name as SET stores them.
 */
export function startupSettings(params: ReadonlyMap<string, string>): Map<string, string> {
  const settings = new Map<string, string>();
  for (const [name, value] of params) {
    if (notSettings.has(name) || name.startsWith('_pq_.')) continue;
    settings.set(name.toLowerCase(), value);
  }
  for (const [name, value] of parseOptions(params.get('options') ?? ''))
    settings.set(name.toLowerCase(), value);
  normalize(settings);
  return settings;
}

/** `-c a=b --c=d -cname=value`, with backslash escaping spaces, as libpq's PGOPTIONS. */
function parseOptions(options: string): [string, string][] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < options.length; i++) {
    const ch = options[i]!;
    if (ch === '\\' && i + 1 < options.length) word += options[++i];
    else if (ch === ' ') {
      if (word !== '') words.push(word);
      word = '';
    } else word += ch;
  }
  if (word !== '') words.push(word);
  const out: [string, string][] = [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i]!;
    if (w === '-c') w = words[++i] ?? '';
    else if (w.startsWith('-c')) w = w.slice(2);
    else if (w.startsWith('--')) w = w.slice(2);
    else continue;
    const eq = w.indexOf('=');
    if (eq > 0) out.push([w.slice(0, eq).replace(/-/g, '_'), w.slice(eq + 1)]);
  }
  return out;
}

/** What flowlens always speaks, whatever the client asked for: UTF8 text, ISO dates. */
function normalize(settings: Map<string, string>): void {
  const encoding = settings.get('client_encoding');
  if (encoding !== undefined && /^(utf-?8|unicode|auto)$/i.test(encoding))
    settings.set('client_encoding', 'UTF8');
  const datestyle = settings.get('datestyle');
  if (datestyle !== undefined) {
    const order = /dmy|ymd|mdy/i.exec(datestyle)?.[0]?.toUpperCase() ?? 'MDY';
    settings.set('datestyle', `ISO, ${order}`);
  }
}
