"""Security headers on every page, checked on public ones: CSP, referrer, nosniff, COOP."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.web.factories import EventFactory


@pytest.fixture
def register_page(client, db):
    event = EventFactory()
    return client.get(reverse("portal:register", args=[event.community.slug, event.slug]))


def _csp(response) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in response["Content-Security-Policy"].split(";"))
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts if p[0]}


def test_csp_default_src_is_self(register_page):
    assert _csp(register_page)["default-src"] == "'self'"


def test_csp_script_src_allows_only_self_and_nonce(register_page):
    assert re.fullmatch(r"'self' 'nonce-[\w+/=-]+'", _csp(register_page)["script-src"])


def test_csp_inline_script_carries_the_nonce(register_page):
    nonce = re.search(r"'nonce-([^']+)'", _csp(register_page)["script-src"]).group(1)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", register_page.content.decode())

    assert inline
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline)


def test_csp_frames_only_the_video_players(register_page):
    assert _csp(register_page)["frame-src"] == (
        "https://www.youtube-nocookie.com https://player.vimeo.com"
    )


@pytest.mark.parametrize(
    ("directive", "value"),
    [
        ("img-src", "'self' data:"),
        ("form-action", "'self'"),
        ("frame-ancestors", "'none'"),
        ("object-src", "'none'"),
    ],
)
def test_csp_directive_on_public_page(register_page, directive, value):
    assert _csp(register_page)[directive] == value


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Referrer-Policy", "same-origin"),
        ("X-Content-Type-Options", "nosniff"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ],
)
def test_security_header_on_public_page(register_page, header, value):
    assert register_page[header] == value


def test_csp_header_on_home_page(client, db):
    assert "default-src 'self'" in client.get(reverse("portal:home"))["Content-Security-Policy"]
