/** A NetFlow v9 / IPFIX template as received (placeholder: the template compiler fills this in). */
export interface Template {
  readonly id: number;
}
