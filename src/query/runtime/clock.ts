/**
 * Time as the limits see it: the metrics' timer clock (wall time plus unref'd timers), injectable
 * so tests drive it by hand (test/helpers/manual-clock.ts).
 */
export type { TimerClock as Clock } from '../../metrics/clock.js';
export { systemTimerClock as systemClock } from '../../metrics/clock.js';
