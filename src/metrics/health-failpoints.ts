import { describeFailPoints } from './failpoint.js';
import { type ComponentHealth, type HealthComponent, judged } from './health.js';

/**
 * Fault injection is on: WARN while any fail point is set (from FLOWLENS_FAILPOINTS or the admin
 * API), naming each with its actions and hits, so that nobody debugs an injected fault as a real
 * one. GOOD when none is set.
 */
export function failPointsHealth(): HealthComponent {
  return {
    name: 'failpoints',
    check(): ComponentHealth {
      const points = describeFailPoints();
      const paused = points.reduce((n, p) => n + p.paused, 0);
      const warn = points.map(
        (p) =>
          `fault injection on: ${p.name}=${p.actions} (${p.hits} hits${p.paused > 0 ? `, ${p.paused} paused` : ''})`,
      );
      return judged('failpoints', { active: points.length, paused }, [], warn);
    },
  };
}
