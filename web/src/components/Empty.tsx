import type { ComponentChildren } from 'preact';

/** Nothing to show yet: a title and what to do about it. */
export function Empty(props: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty" data-state="empty">
      <strong>{props.title}</strong>
      {props.children !== undefined && <div class="empty-help">{props.children}</div>}
    </div>
  );
}
