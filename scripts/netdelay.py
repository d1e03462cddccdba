#!/usr/bin/env python3
"""Delays IP packets by a random time, for scripts/emulated-cluster.sh's --delay and --jitter.

The kernels this project runs on may lack `tc netem` (CONFIG_NET_SCH_NETEM), but have
netfilter's packet queue (NFQUEUE). An iptables rule hands each packet a host sends to queue
0; this program, run in the host's network namespace, holds it for DELAY ± JITTER ms (uniform,
as netem's jitter without a distribution table) and then lets it go. Packets held for
different times overtake each other, as under netem with jitter.

Pure Python on a raw netlink socket (the nfnetlink_queue protocol, linux/netfilter/
nfnetlink_queue.h): nothing to install. It prints "ready" once bound, so the rule can be added
without losing packets, and on SIGTERM writes one line of figures to --report.

    python3 scripts/netdelay.py --delay 20 --jitter 10 --seed 1 --report FILE
"""
import argparse
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = NFNL_SUBSYS_QUEUE << 8 | 0
NFQNL_MSG_VERDICT = NFNL_SUBSYS_QUEUE << 8 | 1
NFQNL_MSG_CONFIG = NFNL_SUBSYS_QUEUE << 8 | 2
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NF_ACCEPT = 1


def attribute(kind, data):
    length = 4 + len(data)
    return struct.pack("=HH", length, kind) + data + b"\0" * (-length % 4)


def message(kind, flags, seq, queue, attributes):
    # nfgenmsg: family, version 0, the queue number big-endian.
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + attributes
    return struct.pack("=IHHII", 16 + len(body), kind, flags, seq, 0) + body


def messages(buffer):
    """(type, payload after the nfgenmsg) for every netlink message in buffer."""
    offset = 0
    while offset + 16 <= len(buffer):
        length, kind = struct.unpack_from("=IH", buffer, offset)
        if length < 16:
            break
        yield kind, buffer[offset + 16:offset + length]
        offset += (length + 3) & ~3


def attributes(payload):
    offset = 4  # after the nfgenmsg
    while offset + 4 <= len(payload):
        length, kind = struct.unpack_from("=HH", payload, offset)
        if length < 4:
            break
        yield kind & 0x7FFF, payload[offset + 4:offset + length]
        offset += (length + 3) & ~3


def configure(sock, queue, seq, config):
    """Sends one config request (its attributes) and checks the kernel's acknowledgement."""
    sock.send(message(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, queue, b"".join(config)))
    for kind, payload in messages(sock.recv(65536)):
        if kind == NLMSG_ERROR:
            # nlmsgerr: the error (0: acknowledged), then the request's header.
            error = struct.unpack_from("=i", payload, 0)[0]
            if error != 0:
                sys.exit(f"netdelay: the kernel refused queue {queue}'s configuration: {os.strerror(-error)} "
                         "(needs root or CAP_NET_ADMIN, and a kernel with NFQUEUE)")



def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queue", type=int, default=0)
    parser.add_argument("--delay", type=float, required=True, help="mean delay in ms")
    parser.add_argument("--jitter", type=float, default=0, help="± ms, uniform")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--report", help="file for the figures, written on SIGTERM")
    args = parser.parse_args()
    if args.delay < 0 or args.jitter < 0 or args.jitter > args.delay:
        sys.exit("netdelay: --delay and --jitter must be at least 0, with --jitter at most --delay")
    rng = random.Random(args.seed)

    # Port id 0: the kernel assigns one.
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    sock.bind((0, 0))
    try:
        sock.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE: root may exceed rmem_max
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    configure(sock, args.queue, 1, [attribute(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_BIND, 0))])
    # Metadata only (the packet id), not the packet's bytes; room for 65,536 held packets.
    configure(sock, args.queue, 2, [attribute(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META)),
                                    attribute(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", 1 << 16))])

    held = []  # (due, order, packet id): a heap
    count, total, shortest, longest, order = 0, 0.0, float("inf"), 0.0, 0
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("ready", flush=True)

    seq = 3
    while not stopping:
        timeout = max(0.0, held[0][0] - time.monotonic()) if held else 0.5
        try:
            readable, _, _ = select.select([sock], [], [], timeout)
        except InterruptedError:
            continue
        if readable:
            try:
                buffer = sock.recv(1 << 20)
            except OSError:  # ENOBUFS: the kernel dropped messages; carry on
                buffer = b""
            for kind, payload in messages(buffer):
                if kind != NFQNL_MSG_PACKET:
                    continue
                for attr_kind, data in attributes(payload):
                    if attr_kind == NFQA_PACKET_HDR:
                        packet = struct.unpack_from("!I", data, 0)[0]
                        wait = (args.delay + rng.uniform(-args.jitter, args.jitter)) / 1000
                        order += 1
                        heapq.heappush(held, (time.monotonic() + wait, order, packet, wait))
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, packet, wait = heapq.heappop(held)
            sock.send(message(NFQNL_MSG_VERDICT, NLM_F_REQUEST, seq, args.queue,
                              attribute(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet))))
            seq += 1
            count += 1
            total += wait
            shortest, longest = min(shortest, wait), max(longest, wait)
    # What is still held goes out now: the namespace is about to go.
    for _, _, packet, _ in held:
        sock.send(message(NFQNL_MSG_VERDICT, NLM_F_REQUEST, seq, args.queue,
                          attribute(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet))))
    line = (f"held {count} packets for {1000 * total / count:.1f} ms on average "
            f"({1000 * shortest:.1f}-{1000 * longest:.1f} ms)" if count else "held 0 packets")
    if args.report:
        with open(args.report, "w") as f:
            f.write(line + "\n")
    else:
        print(line, file=sys.stderr)


if __name__ == "__main__":
    main()
