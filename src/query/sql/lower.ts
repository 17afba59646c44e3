import type { ConstValue, Expr } from '../plan/plan.js';
import type { IntervalValue, Ir } from './ir.js';
import { intervalMs } from './values/interval.js';

/** The front's IR as the plan's Expr: locations dropped, intervals in milliseconds. */
export function lower(e: Ir): Expr {
  switch (e.kind) {
    case 'column':
      return { kind: 'column', name: e.name, type: e.type };
    case 'const':
      return { kind: 'const', type: e.type, value: lowerValue(e.type, e.value) };
    case 'unknown':
      return { kind: 'const', type: 'text', value: e.text };
    case 'call':
      return { kind: 'call', fn: e.fn, args: e.args.map(lower), type: e.type };
    case 'agg':
      return { kind: 'agg', index: e.index, type: e.type };
    case 'key':
      return { kind: 'key', index: e.index, type: e.type };
  }
}

function lowerValue(type: string, value: unknown): ConstValue {
  if (type === 'interval' && value !== null) return intervalMs(value as IntervalValue);
  return value as ConstValue;
}
