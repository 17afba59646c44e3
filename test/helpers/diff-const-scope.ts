import { parseAddrText } from './diff-inet.js';
import {
  type Cat,
  type Facts,
  intervalLit,
  intLit,
  type Node,
  node,
  type Rng,
  type Scope,
  textLit,
  tsText,
} from './diff-node.js';

/**
 * The scope of a SELECT without FROM: every leaf is a literal, so flowlens folds the whole select
 * list while planning (src/query/sql/fold.ts), an evaluator separate from the executor's.
 */
export class ConstScope implements Scope {
  readonly perGroup = false;
  readonly rowScope: Scope = this;

  constructor(
    readonly rng: Rng,
    readonly facts: Facts,
  ) {}

  leaf(cat: Cat): Node | undefined {
    const r = this.rng;
    switch (cat) {
      case 'int':
      case 'num':
        return intLit(r.pick([0, 1, 7, -3, 255, 32767, 65535, 15169, 2147483647, 4200000000]));
      case 'text':
        return textLit(r.pick(['US', 'ünï', '', 'Example.COM', 'a_b%c', '🙂x']));
      case 'time': {
        const ms = r.pick(this.facts.instants) + r.pick([0, 1234, -59_999]);
        return node({
          pg: `timestamptz '${tsText(ms)}+00'`,
          dk: `TIMESTAMP '${tsText(ms)}'`,
          type: 'timestamptz',
          name: 'timestamptz',
          strength: 1,
          constant: true,
        });
      }
      case 'interval':
        return intervalLit(r);
      case 'inet': {
        const text = r.pick(this.facts.addrs);
        const { fam, num } = parseAddrText(text);
        const inet = {
          f: String(fam),
          n: `CAST(${num} AS UHUGEINT)`,
          b: String(fam === 4 ? 32 : 128),
          h: `'${text}'`,
        };
        return node({
          pg: `inet '${text}'`,
          dk: `struct_pack(f := ${inet.f}, n := ${inet.n}, b := ${inet.b})`,
          type: 'inet',
          name: 'inet',
          strength: 1,
          inet,
          full: true,
          constant: true,
        });
      }
      case 'mac':
        return node({
          pg: `macaddr '08:00:2b:01:02:03'`,
          dk: String(0x08002b010203),
          type: 'macaddr',
          name: 'macaddr',
          strength: 1,
          constant: true,
        });
      default:
        return undefined;
    }
  }
}
