import { useState } from 'preact/hooks';
import { type PresetId, presets, type RangeSpec } from '../../../../src/portal/explorer-range.js';
import { parseUtc } from '../../../../src/portal/explorer-time.js';
import { formatTime } from '../../../../src/portal/format-units.js';
import { Field, Select } from '../../components/Field.js';

const options = [
  ...presets.map((p) => ({ value: p.id, label: p.label })),
  { value: 'absolute', label: 'Absolute…' },
];

/** A relative preset, or an absolute [from, to) typed in UTC. */
export function RangePicker(props: { range: RangeSpec; onChange: (r: RangeSpec) => void }) {
  const { range } = props;
  const now = Date.now();
  const [from, setFrom] = useState(formatTime(range.kind === 'absolute' ? range.from : now - 3_600_000));
  const [to, setTo] = useState(formatTime(range.kind === 'absolute' ? range.to : now));
  const [absolute, setAbsolute] = useState(range.kind === 'absolute');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const pick = (value: string) => {
    if (value === 'absolute') setAbsolute(true);
    else {
      setAbsolute(false);
      props.onChange({ kind: 'relative', preset: value as PresetId });
    }
  };
  const apply = (e: Event) => {
    e.preventDefault();
    const f = parseUtc(from);
    const t = parseUtc(to);
    if (f === undefined || t === undefined) return setProblem('write times as 2026-01-05 10:00 (UTC)');
    if (t <= f) return setProblem('the end must be after the start');
    setProblem(undefined);
    props.onChange({ kind: 'absolute', from: f, to: t });
  };
  return (
    <>
      <Field label="Time range">
        <Select
          name="range"
          value={absolute ? 'absolute' : range.kind === 'relative' ? range.preset : 'absolute'}
          options={options}
          onChange={pick}
        />
      </Field>
      {absolute && (
        <form class="toolbar" onSubmit={apply}>
          <Field label="From (UTC)">
            <input name="from" size={16} value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
          </Field>
          <Field label="To (UTC)">
            <input name="to" size={16} value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          </Field>
          <button type="submit">Apply</button>
          {problem !== undefined && <span class="error-message">{problem}</span>}
        </form>
      )}
    </>
  );
}
