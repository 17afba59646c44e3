/** What TimeChart draws, independent of the charting library behind it. */

export interface TimeSeries {
  readonly label: string;
  /** One value per time; null is a gap. */
  readonly values: ArrayLike<number | null>;
  readonly color?: string;
  /** Draw the line across null values (sparse measurements) instead of leaving gaps. */
  readonly spanGaps?: boolean;
  /** Mark each value with a dot (discrete measurements: a lone value is visible too). */
  readonly points?: boolean;
}

export interface ChartSpec {
  /** Milliseconds since the epoch, ascending; shown in UTC. */
  readonly times: ArrayLike<number>;
  readonly series: readonly TimeSeries[];
  /** Formats the y axis ticks and the legend values. */
  readonly format: (v: number) => string;
  readonly height: number;
}

/** One chart in an element: updated in place while its series stay the same. */
export interface ChartInstance {
  update(spec: ChartSpec): void;
  resize(width: number): void;
  destroy(): void;
}

export type CreateChart = (el: HTMLElement, spec: ChartSpec, width: number) => ChartInstance;
