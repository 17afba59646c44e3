/**
 * A number as shown, with its exact value in `data-value` (what the end-to-end tests read and
 * compare with their own figures) and in the tooltip.
 */
export function Num(props: {
  value: number | null | undefined;
  format: (v: number) => string;
  empty?: string;
}) {
  const { value } = props;
  if (value === null || value === undefined || !Number.isFinite(value))
    return <span class="num-empty">{props.empty ?? '–'}</span>;
  return (
    <span data-value={String(value)} title={String(value)}>
      {props.format(value)}
    </span>
  );
}
