"""Who may do what in a workshop: the facilitator's key and each team's code.

A class plays on one laptop's server, often on ``--host 0.0.0.0`` so that students'
laptops can reach it; anyone on the room's network can open its pages. So, as Jupyter
prints a token, ``crisis-sim dashboard`` prints a facilitator link carrying a secret
key: ``/game`` without the key only asks for it. Each team has its own code, shown to
the facilitator as a join link (and a printable sheet of QR codes); a team page without
its code shows the public state of the game but cannot claim the team or move.

Keys and codes come from :mod:`secrets`, are compared with
:func:`hmac.compare_digest` (in constant time) and are never written to a log. They
are kept in the game's folder (``access.json``, readable by its owner only) so that a
resumed game (``crisis-sim dashboard --resume``) accepts the same links.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ACCESS_FILE = "access.json"
#: Team codes are typed from a projected sheet as often as scanned: no 0/O or 1/l/I.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 8  # 31**8, about 8.5e11: beyond guessing over a classroom's network


def new_code() -> str:
    """Return a fresh team code, e.g. ``"k7mq2xwe"``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _same(given: str | None, secret: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), secret.encode())


@dataclass(frozen=True)
class Access:
    """The facilitator's key and each team's code for one game's server.

    Args:
        key: the facilitator's secret key (in the facilitator's link).
        codes: the code of each state a team may play, by state id (in the team's join
            link).
    """

    key: str
    codes: dict[str, str]

    @classmethod
    def new(cls, states: list[str]) -> Access:
        """Return fresh secrets for a game whose teams may play any of ``states``."""
        return cls(secrets.token_urlsafe(18), {state: new_code() for state in states})

    def is_facilitator(self, key: str | None) -> bool:
        """Whether ``key`` is the facilitator's key."""
        return _same(key, self.key)

    def opens(self, team: str, code: str | None) -> bool:
        """Whether ``code`` is ``team``'s code."""
        return team in self.codes and _same(code, self.codes[team])

    def facilitator_link(self, base: str) -> str:
        """Return the facilitator's page with its key, e.g. ``http://10.0.0.5:8765/game?key=…``."""
        return f"{base.rstrip('/')}/game?key={quote(self.key)}"

    def join_link(self, base: str, team: str) -> str:
        """Return a team's page with its code, e.g. ``…/team/armenia?code=k7mq2xwe``."""
        return f"{base.rstrip('/')}/team/{quote(team)}?code={quote(self.codes[team])}"

    # -- kept in the game's folder ------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the secrets to ``folder/access.json``, readable by this user only."""
        path = folder / ACCESS_FILE
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump({"key": self.key, "codes": self.codes}, file)
            file.flush()
            os.fsync(file.fileno())

    @classmethod
    def load(cls, folder: Path, states: list[str]) -> Access:
        """Read the secrets of ``folder``; states the file lacks get fresh codes."""
        data = json.loads((folder / ACCESS_FILE).read_text())
        codes = {state: data["codes"].get(state) or new_code() for state in states}
        return cls(str(data["key"]), codes)


def query_value(search: str | None, name: str) -> str | None:
    """Return a parameter of a page address's query string (``key=…&x=…``), or None."""
    from urllib.parse import parse_qs

    values = parse_qs(search or "").get(name)
    return values[0] if values else None


def addresses(host: str) -> list[str]:
    """Return the addresses students can open for a server bound to ``host``.

    ``0.0.0.0`` (or ``::``) binds every interface, but is no address to open: list this
    machine's IPv4 addresses instead, the room's network first and loopback last.
    """
    if host not in ("0.0.0.0", "::", ""):
        return ["localhost" if host == "127.0.0.1" else host]
    import psutil

    found: list[str] = []
    for interface in psutil.net_if_addrs().values():
        for entry in interface:
            if entry.family == socket.AF_INET and entry.address not in found:
                found.append(entry.address)
    found.sort(key=lambda a: (ipaddress.ip_address(a).is_loopback, a))
    return found or ["localhost"]


def qr_svg(link: str) -> str:
    """Return an inline SVG QR code of ``link``, for the printable sheet of join links."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue().decode()
