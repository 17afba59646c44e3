/** A request in flight. */
export function Loading(props: { label?: string }) {
  return (
    <div class="loading" role="status" data-state="loading">
      {props.label ?? 'Loading…'}
    </div>
  );
}
