import { type ComponentHealth, type HealthComponent, judged } from './health.js';

export type ServerPhase = 'starting' | 'ready' | 'stopping';

export interface ServerHealthSource {
  phase(): ServerPhase;
  /** PostgreSQL sessions open now; undefined when the listener is disabled. */
  pgSessions(): number | undefined;
}

/**
 * The server process itself. BAD while starting (the WAL is replaying: no queries, ingest gets
 * 503) and while stopping, so that a load balancer polling /healthz sends nothing its way; GOOD
 * when ready.
 */
export function serverHealth(source: ServerHealthSource): HealthComponent {
  return {
    name: 'server',
    check(): ComponentHealth {
      const phase = source.phase();
      const bad: string[] = [];
      if (phase === 'starting') bad.push('starting: not serving queries or ingest until the WAL is replayed');
      if (phase === 'stopping') bad.push('stopping');
      return judged('server', { phase, pg_sessions: source.pgSessions() ?? '-' }, bad, []);
    },
  };
}
