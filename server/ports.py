"""Whether a TCP port is free for this server: nothing else listens on it, and no other ``cleaner serve`` has it.

SO_REUSEPORT (how workers share a port) lets any process of the same user bind the
same port, and the kernel then splits connections between them. So before binding,
a server checks that no socket it does not own listens on an overlapping address
(``/proc/net/tcp``, ``tcp6``), and holds a lock named after the port (an
abstract-namespace Unix socket: no file, released when its last holder exits) so
two servers starting at once cannot both pass the check. No gRPC import: the
supervisor uses this before forking.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

LISTEN = "0A"
PROC = Path("/proc")


class PortInUse(OSError):
    """The port is taken (the message says by what, when it can tell)."""


@dataclass(frozen=True, slots=True)
class Listener:
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    port: int
    inode: int


def hold_port_lock(port: int) -> socket.socket:
    """The lock of ``port`` for this server and its workers (inherited across fork); ``PortInUse`` if taken."""
    lock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        lock.bind(f"\0boilerplate-cleaner-serve:{port}")
    except OSError:
        lock.close()
        raise PortInUse(f"another cleaner serve is already running on port {port}") from None
    os.set_inheritable(lock.fileno(), True)
    return lock


def check_free(host: str, port: int, own: Iterable[int] = ()) -> None:
    """Raise ``PortInUse`` if a socket not held by a process in ``own`` listens on ``port`` where ``host`` would,
    or if the server could not bind there (a socket bound without SO_REUSEPORT, an address not on this machine)."""
    if port == 0:
        return
    wanted = _addresses(host)
    for address in wanted:
        _try_bind(address, port)
    if not (PROC / "net" / "tcp").exists():
        return
    owners = _socket_owners()
    own_pids = set(own)
    for listener in _listeners():
        if listener.port != port or not any(_overlap(listener.address, mine) for mine in wanted):
            continue
        pid = owners.get(listener.inode)
        if pid is not None and pid in own_pids:
            continue
        raise PortInUse(f"port {port} is already in use on {_show(listener.address)} by {_describe(pid)}")


def _try_bind(address: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int) -> None:
    """Bind (not listen) where the server will, as it will (SO_REUSEPORT), and let go at once."""
    family = socket.AF_INET if address.version == 4 else socket.AF_INET6
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            probe.bind((str(address), port))
        except OSError as error:
            where = f"{_show(address)}:{port}"
            if error.errno == errno.EADDRNOTAVAIL:
                raise PortInUse(f"cannot listen on {where}: the address is not available on this machine") from None
            raise PortInUse(f"port {port} is already in use on {_show(address)} by {_holder(address, port)}") from None


def _holder(address: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int) -> str:
    """What holds ``port`` where ``address`` would bind, as far as ``/proc`` tells."""
    try:
        owners = _socket_owners()
        for listener in _listeners():
            if listener.port == port and _overlap(listener.address, address):
                return _describe(owners.get(listener.inode))
    except OSError:
        pass
    return "a socket that will not share it"


def siblings(parent: int) -> set[int]:
    """The processes whose parent is ``parent`` (a supervisor's workers), and the parent itself."""
    found = {parent}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.add(int(entry.name))
    return found


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host or None, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _listeners() -> list[Listener]:
    found = []
    for name, size in (("tcp", 4), ("tcp6", 16)):
        try:
            lines = (PROC / "net" / name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10 or fields[3] != LISTEN:
                continue
            address, port = fields[1].split(":")
            found.append(Listener(_decode(address, size), int(port, 16), int(fields[9])))
    return found


def _decode(hex_address: str, size: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    raw = bytes.fromhex(hex_address)
    # /proc/net prints each 32-bit word in host (little-endian) order
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return ipaddress.IPv4Address(words) if size == 4 else ipaddress.IPv6Address(words)


def _plain(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _overlap(
    held: ipaddress.IPv4Address | ipaddress.IPv6Address, mine: ipaddress.IPv4Address | ipaddress.IPv6Address
) -> bool:
    """Whether connections to ``mine`` could reach a socket listening on ``held`` (wildcards cover their family;
    ``::`` covers IPv4 too, as a dual-stack socket does)."""
    held, mine = _plain(held), _plain(mine)
    if held == mine:
        return True
    if held.is_unspecified or mine.is_unspecified:
        return (
            held.version == mine.version
            or (held.version == 6 and held.is_unspecified)
            or (mine.version == 6 and mine.is_unspecified)
        )
    return False


def _socket_owners() -> dict[int, int]:
    """Socket inode → pid, for the processes this user may look into."""
    owners: dict[int, int] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    owners[int(target[8:-1])] = int(entry.name)
        except OSError:
            continue
    return owners


def _describe(pid: int | None) -> str:
    if pid is None:
        return "another process (not one of this user's)"
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        command = ""
    if "cleaner" in command and " serve" in command:
        return f"another cleaner serve (pid {pid})"
    return f"pid {pid} ({command[:80] or 'unknown command'})"


def _show(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    return f"[{address}]" if address.version == 6 else str(address)
