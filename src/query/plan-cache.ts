import type { DeviceSummary } from '../store/backend.js';
import type { PlanContext, PlannedSelect } from './sql/index.js';

/** Plans kept per statement: now() moves, so older ones are soon of no use. */
const PER_STATEMENT = 4;

/**
 * Plans of parsed statements (shared by ParseCache, so the same text gives the same statement
 * object), keyed by everything else a plan depends on (sql/index.ts PlanContext): now() — the
 * time range and every now()-derived constant —, the tables the session sees (its devices' ids
 * and names and whether it is an admin: `tablesKey`), and the parameters with their types. Held
 * weakly by the statement, so a plan goes when its text leaves the parse cache. Errors are not
 * cached.
 */
export class PlanCache {
  hits = 0;
  private readonly byStatement = new WeakMap<object, Map<string, PlannedSelect>>();

  plan(stmt: unknown, context: PlanContext, tablesKey: string, plan: () => PlannedSelect): PlannedSelect {
    if (typeof stmt !== 'object' || stmt === null) return plan();
    const key = `${context.now}|${tablesKey}|${JSON.stringify(context.params ?? null)}|${JSON.stringify(context.paramTypes ?? null)}`;
    let plans = this.byStatement.get(stmt);
    if (plans === undefined) {
      plans = new Map();
      this.byStatement.set(stmt, plans);
    }
    let planned = plans.get(key);
    if (planned !== undefined) {
      this.hits++;
      return planned;
    }
    planned = plan();
    if (plans.size >= PER_STATEMENT) plans.delete(plans.keys().next().value as string);
    plans.set(key, planned);
    return planned;
  }
}

/** What of a session's devices and role decides its tables (src/query/tables.ts tenantTables). */
export function tablesKey(devices: readonly DeviceSummary[], admin: boolean | undefined): string {
  return `${admin === true ? 1 : 0}${JSON.stringify(devices.map((d) => [d.id, d.name]))}`;
}
