import { dimensionOf, dimensions } from '../../../../src/portal/explorer-dimensions.js';
import { maxDimensions } from '../../../../src/portal/explorer-state.js';
import { Field, Select } from '../../components/Field.js';

const options = dimensions.map((d) => ({ value: d.name, label: d.name, group: d.group }));

/**
 * The dimensions grouped by, in order: each one can be swapped for another or removed; more can
 * be added up to four. The choices come from the flow schema (src/portal/explorer-dimensions.ts).
 */
export function DimensionPicker(props: { value: readonly string[]; onChange: (dims: string[]) => void }) {
  const dims = props.value;
  const set = (i: number, name: string) => props.onChange(dims.map((d, j) => (j === i ? name : d)));
  const remove = (i: number) => props.onChange(dims.filter((_, j) => j !== i));
  const unused = options.filter((o) => !dims.includes(o.value));
  return (
    <>
      {dims.map((d, i) => (
        <Field
          key={`${i}`}
          label={i === 0 ? 'Dimension' : `Dimension ${i + 1}`}
          title={dimensionOf(d)?.description}
        >
          <span class="chips">
            <Select
              name={`dim${i}`}
              value={d}
              options={options.filter((o) => o.value === d || !dims.includes(o.value))}
              onChange={(v) => set(i, v)}
            />
            {dims.length > 1 && (
              <button type="button" class="link" aria-label={`Remove ${d}`} onClick={() => remove(i)}>
                ×
              </button>
            )}
          </span>
        </Field>
      ))}
      {dims.length < maxDimensions && (
        <Field label="Add dimension">
          <Select
            name="add-dimension"
            value=""
            options={[{ value: '', label: '+' }, ...unused]}
            onChange={(v) => v !== '' && props.onChange([...dims, v])}
          />
        </Field>
      )}
    </>
  );
}
