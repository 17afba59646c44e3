import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertRecordsMatchTshark } from './helpers/agent-cli-oracle.js';
import { repoRoot } from './helpers/paths.js';

/**
 * The whole pipeline through the CLI: the records `flowlens agent --read F --timestamps capture
 * --format json` prints carry, per flow, the TCP metrics and the DNS, DHCP, HTTP and TLS fields of
 * tshark's decode of the same capture (see helpers/agent-cli-oracle.ts). The module tests compare
 * each decoder and the TCP tracker on their own; this checks what reaches the records.
 */

const gopacket = '/usr/share/gocode/src/github.com/gopacket/gopacket';
const dpkt = '/usr/share/doc/python3-dpkt/examples/data';

function capturesIn(dir: string, keep: (name: string) => boolean = () => true): string[] {
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run scripts/install-peers.sh`);
  return readdirSync(dir)
    .filter((f) => (f.endsWith('.pcap') || f.endsWith('.pcapng')) && keep(f))
    .sort()
    .map((f) => join(dir, f));
}

// As test/agent-tshark-conv.test.ts: the pcapng variants with packets that tshark reads.
const pcapngVariants = (f: string) =>
  /^test(001|004|006|010|012|016|018|100|101|102|201|202|300|301)\./.test(f);

const captures = [
  ...capturesIn(`${repoRoot}test/testdata/hosts`),
  ...capturesIn(dpkt),
  ...capturesIn(`${gopacket}/pcap`),
  ...capturesIn(`${gopacket}/pcapgo/tests/le`, pcapngVariants),
  ...capturesIn(`${gopacket}/pcapgo/tests/be`, (f) => /^test(010|100)\./.test(f)),
];

for (const file of captures) {
  test(`CLI records equal tshark's decode: ${file.replace(/.*\/(gopacket|data|testdata)\//, '')}`, async (t) => {
    const compared = await assertRecordsMatchTshark(file);
    t.diagnostic(JSON.stringify(compared));
  });
}
