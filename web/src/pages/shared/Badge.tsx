/** A status word in a coloured pill: good (ok, up, active), bad (failing, down), warn, or idle. */
export function Badge(props: { status: string; tone: 'good' | 'bad' | 'warn' | 'idle'; title?: string }) {
  return (
    <span class={`badge badge-${props.tone}`} data-status={props.status} title={props.title}>
      {props.status}
    </span>
  );
}
