import type { ComponentChild } from 'preact';

export interface Tile {
  readonly label: string;
  readonly value: ComponentChild;
  readonly note?: string;
}

/** A row of headline figures above the charts. */
export function Tiles(props: { tiles: readonly Tile[]; label: string }) {
  return (
    <section class="tiles" aria-label={props.label}>
      {props.tiles.map((t) => (
        <div class="tile" key={t.label} data-tile={t.label}>
          <div class="tile-label">{t.label}</div>
          <div class="tile-value">{t.value}</div>
          {t.note !== undefined && <div class="tile-note">{t.note}</div>}
        </div>
      ))}
    </section>
  );
}
