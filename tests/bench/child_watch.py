"""The children of one process, followed through the kernel's process events (the proc connector:
NETLINK_CONNECTOR, CN_IDX_PROC; needs CAP_NET_ADMIN, i.e. root) instead of re-reading
/proc/<pid>/task/*/children. Reading that file costs O(children) per look (about 6 ms at 5000
children on the bench machine), so polling it every millisecond takes most of a core from the
daemon under measurement, more the more children there are: the bench's own cost would bend the
very curve it measures. An event costs O(1).

    watch = ChildWatch()                  # before the process starts: no fork is missed
    p = subprocess.Popen(...)
    watch.follow(p.pid)
    watch.wait(lambda w: w.started >= n)  # forks of p (processes, not threads) so far
    watch.wait(lambda w: w.exited >= k)   # exits of p's children (at exit, before the reap)

ChildWatch.available() says whether the kernel lets this process listen; the benches fall back to
/proc polling (and say so) when it does not.
"""
import os
import select
import socket
import struct
import time

NETLINK_CONNECTOR = 11
CN_IDX_PROC = 1
CN_VAL_PROC = 1
PROC_CN_MCAST_LISTEN = 1
PROC_CN_MCAST_IGNORE = 2
PROC_EVENT_FORK = 0x00000001
PROC_EVENT_EXIT = 0x80000000
NLMSG_HDR = struct.Struct("=IHHII")      # len, type, flags, seq, pid
CN_MSG = struct.Struct("=IIIIHH")        # idx, val, seq, ack, len, flags
PROC_EVENT = struct.Struct("=IIQ")       # what, cpu, timestamp_ns
FORK = struct.Struct("=IIII")            # parent pid, parent tgid, child pid, child tgid
EXIT = struct.Struct("=IIIIII")          # pid, tgid, exit code, exit signal, parent pid, tgid
NLMSG_DONE = 3


class ChildWatch:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_CONNECTOR)
        # A cold start of 5000 is 10 000 events (fork, exec) plus every other process's: room for
        # all of them, since a lost event would be a wrong count (recv then raises ENOBUFS).
        self.sock.setsockopt(socket.SOL_SOCKET, 33, 256 << 20)  # SO_RCVBUFFORCE
        self.sock.bind((os.getpid(), CN_IDX_PROC))
        self._control(PROC_CN_MCAST_LISTEN)
        self.sock.setblocking(False)
        self.parent = None
        self.pending = []   # events read before follow() named the parent
        self.started = 0    # forks of the parent (processes only)
        self.exited = 0     # exits of its children
        self.last_fork_at = None  # newest child's fork, time.monotonic()'s clock (kernel stamp)

    @staticmethod
    def available():
        try:
            ChildWatch().close()
            return True
        except OSError:
            return False

    def _control(self, op):
        payload = struct.pack("=I", op)
        cn = CN_MSG.pack(CN_IDX_PROC, CN_VAL_PROC, 0, 0, len(payload), 0) + payload
        self.sock.send(NLMSG_HDR.pack(NLMSG_HDR.size + len(cn), NLMSG_DONE, 0, 0, os.getpid()) +
                       cn)

    def close(self):
        try:
            self._control(PROC_CN_MCAST_IGNORE)
        except OSError:
            pass
        self.sock.close()

    def follow(self, pid):
        self.parent = pid
        for event in self.pending:
            self._apply(*event)
        self.pending = []

    def _apply(self, what, a, b):
        if what == PROC_EVENT_FORK:
            parent_tgid, child_pid, child_tgid = a
            if parent_tgid == self.parent and child_pid == child_tgid:
                self.started += 1
                self.last_fork_at = b
        elif what == PROC_EVENT_EXIT:
            pid, tgid, parent_tgid = a
            if pid == tgid and parent_tgid == self.parent:
                self.exited += 1

    def drain(self):
        """Takes every event the kernel has queued; returns how many concerned the parent."""
        while True:
            try:
                data = self.sock.recv(65536)
            except BlockingIOError:
                return
            offset = 0
            while offset + NLMSG_HDR.size <= len(data):
                length = NLMSG_HDR.unpack_from(data, offset)[0]
                body = offset + NLMSG_HDR.size + CN_MSG.size
                what, _, stamp_ns = PROC_EVENT.unpack_from(data, body)
                now = stamp_ns / 1e9  # CLOCK_MONOTONIC, as time.monotonic()
                event = None
                if what == PROC_EVENT_FORK:
                    _, ptgid, cpid, ctgid = FORK.unpack_from(data, body + PROC_EVENT.size)
                    event = (what, (ptgid, cpid, ctgid), now)
                elif what == PROC_EVENT_EXIT:
                    pid, tgid, _, _, _, ptgid = EXIT.unpack_from(data, body + PROC_EVENT.size)
                    event = (what, (pid, tgid, ptgid), now)
                if event:
                    if self.parent is None:
                        self.pending.append(event)
                    else:
                        self._apply(*event)
                offset += max(length, NLMSG_HDR.size)

    def wait(self, condition, timeout=300.0):
        """Sleeps on the socket until condition(self) holds; raises TimeoutError."""
        end = time.monotonic() + timeout
        while True:
            self.drain()
            if condition(self):
                return
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("condition not met")
            select.select([self.sock], [], [], min(left, 0.5))
