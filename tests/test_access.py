"""The workshop's access: addresses students can open, join links, the QR sheet.

Issue 18: with ``--host 0.0.0.0`` the server printed ``http://0.0.0.0:PORT/``, which no
student can open; and every page was open to anyone on the room's network.
"""

from __future__ import annotations

import ipaddress

from sim.teach.dashboard.access import Access, addresses, qr_svg, query_value


def test_every_interface_is_listed_as_addresses_students_can_open():
    found = addresses("0.0.0.0")
    assert found and "0.0.0.0" not in found
    parsed = [ipaddress.ip_address(a) for a in found]  # each a real IPv4 address
    assert all(a.version == 4 and not a.is_unspecified for a in parsed)
    loopback = [a.is_loopback for a in parsed]
    assert loopback == sorted(loopback)  # the room's network first, this machine last
    assert addresses("127.0.0.1") == ["localhost"]
    assert addresses("10.1.2.3") == ["10.1.2.3"]


def test_links_carry_their_secret_and_the_sheet_encodes_them():
    access = Access.new(["armenia", "united_states"])
    link = access.join_link("http://10.1.2.3:8765", "united_states")
    assert link == f"http://10.1.2.3:8765/team/united_states?code={access.codes['united_states']}"
    assert query_value(link.split("?", 1)[1], "code") == access.codes["united_states"]
    assert query_value(None, "code") is None and query_value("x=1", "code") is None
    assert access.facilitator_link("http://h:1/").endswith(f"/game?key={access.key}")
    svg = qr_svg(link)
    assert svg.lstrip().startswith("<svg") and "<path" in svg and "<script" not in svg


def test_codes_are_easy_to_type_from_a_projected_sheet():
    codes = Access.new([f"team{i}" for i in range(200)]).codes.values()
    assert len(set(codes)) == 200
    for code in codes:
        assert len(code) == 8 and not set(code) & set("01ilo")
