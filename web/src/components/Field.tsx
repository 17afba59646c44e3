import type { ComponentChildren } from 'preact';

/** A labelled form control (the label above it, as in the toolbars). */
export function Field(props: { label: string; children: ComponentChildren; title?: string }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child
    <label class="field" title={props.title}>
      {props.label}
      {props.children}
    </label>
  );
}

export interface Option {
  readonly value: string;
  readonly label: string;
  readonly group?: string;
}

/** A <select> of options, grouped (<optgroup>) when they name a group. */
export function Select(props: {
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  name?: string;
}) {
  const groups = [...new Set(props.options.map((o) => o.group ?? ''))];
  const item = (o: Option) => (
    <option key={o.value} value={o.value}>
      {o.label}
    </option>
  );
  return (
    <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
      {groups.map((g) =>
        g === '' ? (
          props.options.filter((o) => o.group === undefined).map(item)
        ) : (
          <optgroup key={g} label={g}>
            {props.options.filter((o) => o.group === g).map(item)}
          </optgroup>
        ),
      )}
    </select>
  );
}
