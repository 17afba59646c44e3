import type { QuerySession } from '../api.js';

/** What clients see as the server's version (they parse the major number from it). */
export const SERVER_VERSION = '15.0';
export const SERVER_VERSION_NUM = '150000';
export const VERSION_STRING = `PostgreSQL ${SERVER_VERSION} (flowlens) on x86_64-pc-linux-gnu, compiled by node, 64-bit`;
export const DATABASE_NAME = 'flowlens';

export interface SettingDef {
  /** PostgreSQL's own spelling (SHOW's column name, pg_settings.name). */
  readonly name: string;
  readonly boot: string | ((session: QuerySession) => string);
  readonly description: string;
  readonly vartype: 'bool' | 'integer' | 'real' | 'string' | 'enum';
  readonly category: string;
  readonly context: 'internal' | 'user' | 'superuser' | 'backend';
  readonly unit?: string;
  /** Sent as ParameterStatus at startup and whenever it changes (PostgreSQL's GUC_REPORT). */
  readonly report?: boolean;
}

const client = 'Client Connection Defaults / Statement Behavior';
const locale = 'Client Connection Defaults / Locale and Formatting';
const preset = 'Preset Options';

function def(
  name: string,
  boot: SettingDef['boot'],
  vartype: SettingDef['vartype'],
  category: string,
  context: SettingDef['context'],
  description: string,
  extra: Partial<SettingDef> = {},
): SettingDef {
  return { name, boot, vartype, category, context, description, ...extra };
}

/** The settings flowlens knows, with PostgreSQL 15's defaults and descriptions. */
export const settingDefs: readonly SettingDef[] = [
  def(
    'application_name',
    '',
    'string',
    'Reporting and Logging / What to Log',
    'user',
    'Sets the application name to be reported in statistics and logs.',
    { report: true },
  ),
  def('bytea_output', 'hex', 'enum', client, 'user', 'Sets the output format for bytea.'),
  def('client_encoding', 'UTF8', 'string', locale, 'user', "Sets the client's character set encoding.", {
    report: true,
  }),
  def(
    'client_min_messages',
    'notice',
    'enum',
    client,
    'user',
    'Sets the message levels that are sent to the client.',
  ),
  def(
    'DateStyle',
    'ISO, MDY',
    'string',
    locale,
    'user',
    'Sets the display format for date and time values.',
    { report: true },
  ),
  def(
    'default_transaction_isolation',
    'read committed',
    'enum',
    client,
    'user',
    'Sets the transaction isolation level of each new transaction.',
  ),
  def(
    'default_transaction_read_only',
    'on',
    'bool',
    client,
    'user',
    'Sets the default read-only status of new transactions.',
    { report: true },
  ),
  def(
    'extra_float_digits',
    '1',
    'integer',
    locale,
    'user',
    'Sets the number of digits displayed for floating-point values.',
  ),
  def(
    'idle_in_transaction_session_timeout',
    '0',
    'integer',
    client,
    'user',
    'Sets the maximum allowed idle time between queries, when in a transaction.',
    { unit: 'ms' },
  ),
  def('in_hot_standby', 'off', 'bool', preset, 'internal', 'Shows whether hot standby is currently active.', {
    report: true,
  }),
  def('integer_datetimes', 'on', 'bool', preset, 'internal', 'Shows whether datetimes are integer based.', {
    report: true,
  }),
  def('IntervalStyle', 'postgres', 'enum', locale, 'user', 'Sets the display format for interval values.', {
    report: true,
  }),
  def('is_superuser', 'off', 'bool', preset, 'internal', 'Shows whether the current user is a superuser.', {
    report: true,
  }),
  def(
    'lc_messages',
    'C.UTF-8',
    'string',
    locale,
    'superuser',
    'Sets the language in which messages are displayed.',
  ),
  def('lc_monetary', 'C.UTF-8', 'string', locale, 'user', 'Sets the locale for formatting monetary amounts.'),
  def('lc_numeric', 'C.UTF-8', 'string', locale, 'user', 'Sets the locale for formatting numbers.'),
  def('lc_time', 'C.UTF-8', 'string', locale, 'user', 'Sets the locale for formatting date and time values.'),
  def(
    'lock_timeout',
    '0',
    'integer',
    client,
    'user',
    'Sets the maximum allowed duration of any wait for a lock.',
    { unit: 'ms' },
  ),
  def('max_identifier_length', '63', 'integer', preset, 'internal', 'Shows the maximum identifier length.'),
  def('row_security', 'on', 'bool', client, 'user', 'Enable row security.'),
  def(
    'search_path',
    '"$user", public',
    'string',
    client,
    'user',
    'Sets the schema search order for names that are not schema-qualified.',
  ),
  def(
    'server_encoding',
    'UTF8',
    'string',
    preset,
    'internal',
    'Shows the server (database) character set encoding.',
    { report: true },
  ),
  def('server_version', SERVER_VERSION, 'string', preset, 'internal', 'Shows the server version.', {
    report: true,
  }),
  def(
    'server_version_num',
    SERVER_VERSION_NUM,
    'integer',
    preset,
    'internal',
    'Shows the server version as an integer.',
  ),
  def(
    'session_authorization',
    (s) => s.user,
    'string',
    'Developer Options',
    'superuser',
    'Sets the session user name.',
    { report: true },
  ),
  def(
    'standard_conforming_strings',
    'on',
    'bool',
    'Version and Platform Compatibility / Previous PostgreSQL Versions',
    'user',
    "Causes '...' strings to treat backslashes literally.",
    { report: true },
  ),
  def(
    'statement_timeout',
    '0',
    'integer',
    client,
    'user',
    'Sets the maximum allowed duration of any statement.',
    { unit: 'ms' },
  ),
  def(
    'TimeZone',
    'UTC',
    'string',
    locale,
    'user',
    'Sets the time zone for displaying and interpreting time stamps.',
    { report: true },
  ),
  def(
    'timezone_abbreviations',
    'Default',
    'string',
    locale,
    'user',
    'Selects a file of time zone abbreviations.',
  ),
  def(
    'transaction_isolation',
    'read committed',
    'enum',
    client,
    'user',
    "Sets the current transaction's isolation level.",
  ),
  def(
    'transaction_read_only',
    'on',
    'bool',
    client,
    'user',
    "Sets the current transaction's read-only status.",
  ),
  def(
    'xmloption',
    'content',
    'enum',
    client,
    'user',
    'Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.',
  ),
];

const byLowerName = new Map(settingDefs.map((d) => [d.name.toLowerCase(), d]));

export function settingDef(name: string): SettingDef | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** The value a session sees: what it SET, else the default; undefined for a name nobody knows. */
export function settingValue(session: QuerySession, name: string): string | undefined {
  const key = name.toLowerCase();
  const set = session.settings.get(key);
  if (set !== undefined) return set;
  const d = byLowerName.get(key);
  if (d === undefined) return undefined;
  return typeof d.boot === 'function' ? d.boot(session) : d.boot;
}

/** The settings sent as ParameterStatus, with this session's values. */
export function reportedSettings(session: QuerySession): [string, string][] {
  return settingDefs.filter((d) => d.report).map((d) => [d.name, settingValue(session, d.name)!]);
}

/** statement_timeout in milliseconds (0 = none), for the engine. */
export function statementTimeoutMs(session: QuerySession): number {
  return parseDuration(settingValue(session, 'statement_timeout') ?? '0') ?? 0;
}

const unitMs: Record<string, number> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** '5s', '1min', '250' (ms) → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(text);
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * unitMs[m[2] ?? 'ms']!);
}

/** Milliseconds as PostgreSQL displays a time setting: the largest unit that divides it. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
