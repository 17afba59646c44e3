#!/usr/bin/env python3
"""A userspace delay line between two interfaces (this kernel has no sch_netem): every frame
received on one is sent out of the other no earlier than DELAY_MS later, in both directions.
Run it in a network namespace that owns both interfaces and has no addresses on them; turn
checksum offload off on the veths around it, or relayed TCP/UDP arrive with bad checksums.
Prints 'relay ready' once both sockets are bound; on SIGTERM prints its counts and exits.
usage: delay-relay.py IF_A IF_B DELAY_MS
"""
import heapq
import os
import select
import signal
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def open_packet_socket(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((ifname, 0))
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    return s


def main():
    if_a, if_b, delay = sys.argv[1], sys.argv[2], float(sys.argv[3]) / 1000.0
    a, b = open_packet_socket(if_a), open_packet_socket(if_b)
    peer = {a.fileno(): b, b.fileno(): a}
    by_fd = {a.fileno(): a, b.fileno(): b}
    queue = []
    seq = 0
    counts = {"relayed": 0}

    def stop(*_):
        print(f"relay stopped {counts}", flush=True)
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"relay ready {if_a}<->{if_b} delay={delay * 1000}ms", flush=True)
    while True:
        now = time.monotonic()
        timeout = max(0.0, queue[0][0] - now) if queue else 1.0
        readable, _, _ = select.select(list(by_fd), [], [], timeout)
        for fd in readable:
            s = by_fd[fd]
            while True:
                try:
                    data, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:  # our own transmissions
                    continue
                seq += 1
                heapq.heappush(queue, (time.monotonic() + delay, seq, peer[fd], data))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, data = heapq.heappop(queue)
            try:
                out.send(data)
                counts["relayed"] += 1
            except OSError:
                pass


main()
