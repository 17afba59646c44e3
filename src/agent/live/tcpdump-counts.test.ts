import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newTcpdumpCounts, readTcpdumpCounts } from './tcpdump-counts.js';

// The lines as tcpdump 4.99 prints them (print.c's info(): one count a line at exit, one line
// with commas for SIGUSR1; "packet" for a count of one; the interface count only when not 0).

test('the counts tcpdump prints at exit, one a line', () => {
  const c = newTcpdumpCounts();
  for (const line of [
    '1 packet captured',
    '2 packets received by filter',
    '7 packets dropped by kernel',
    '3 packets dropped by interface',
  ])
    assert.equal(readTcpdumpCounts(line, c), true, line);
  assert.deepEqual(c, { captured: 1, receivedByFilter: 2, droppedByKernel: 7, droppedByInterface: 3 });
});

test('the line tcpdump prints on SIGUSR1 replaces the counts it holds', () => {
  const c = newTcpdumpCounts();
  assert.equal(
    readTcpdumpCounts(
      'tcpdump: 10 packets captured, 22 packets received by filter, 4 packets dropped by kernel',
      c,
    ),
    true,
  );
  assert.deepEqual(c, { captured: 10, receivedByFilter: 22, droppedByKernel: 4, droppedByInterface: 0 });
});

test('other lines are not counts and change nothing', () => {
  const c = newTcpdumpCounts();
  for (const line of [
    'tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
    'tcpdump: pcap_loop: The interface disappeared',
    '5 packets captured by a friend',
    'tcpdump: 12 packets captured; and more',
    '',
  ])
    assert.equal(readTcpdumpCounts(line, c), false, line);
  assert.deepEqual(c, newTcpdumpCounts());
});
