import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir } from './helpers/capture-tools.js';
import { assertTcpMatchesTshark } from './helpers/tcp-compare.js';
import { writeScenarioPcap } from './helpers/tcp-scenario-pcap.js';
import { tcpScenarios } from './helpers/tcp-scenarios.js';

// The hand-built conversations of the tracker's unit tests, as real packets: tshark must flag and
// time them as the tracker does (so the unit tests' reasoning is Wireshark's too).
const dir = scratchDir();

for (const [name, segments] of Object.entries(tcpScenarios)) {
  test(`tshark agrees on the hand-built conversation ${name}`, async () => {
    const file = join(dir, `${name}.pcap`);
    writeScenarioPcap(file, segments);
    await assertTcpMatchesTshark(file);
  });
}
