import { useState } from 'preact/hooks';
import { type Filter, formatFilter, parseFilter } from '../../../../src/portal/explorer-filters.js';

/**
 * The filters as removable chips, and a box to add one written as it reads: `protocol = 6`,
 * `src_as in 15169,13335`, `dst_addr <<= 10.0.0.0/8`, `src_geo != US`, `not in`, `not <<=`.
 */
export function FilterBar(props: { filters: readonly Filter[]; onChange: (f: Filter[]) => void }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const add = (e: Event) => {
    e.preventDefault();
    const f = parseFilter(text);
    if (typeof f === 'string') return setProblem(f);
    setProblem(undefined);
    setText('');
    props.onChange([...props.filters, f]);
  };
  return (
    <div class="chips filters">
      <span class="field">Filters</span>
      {props.filters.map((f, i) => (
        <span class="chip" key={`${i}:${formatFilter(f)}`} data-filter={formatFilter(f)}>
          {formatFilter(f)}
          <button
            type="button"
            aria-label={`Remove filter ${formatFilter(f)}`}
            onClick={() => props.onChange(props.filters.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </span>
      ))}
      <form onSubmit={add} class="chips">
        <input
          name="filter"
          aria-label="New filter"
          placeholder="protocol in 6,17 · dst_addr <<= 10.0.0.0/8"
          size={36}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit">Add filter</button>
      </form>
      {problem !== undefined && (
        <span class="error-message" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
