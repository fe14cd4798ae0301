"""The published report through the app: tollbook.report's public edition for anyone, never a confidential value;
the team's edition only for roles allowed confidential values."""

from __future__ import annotations

from tollbook.enums import Role
from web.web_helpers import SECRETS


def test_public_report_is_served_without_sign_in_and_without_secrets(client_for) -> None:
    anonymous = client_for(None)
    page = anonymous.get("/public/report")
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert not any(secret in page.text for secret in SECRETS)
    assert "style-src 'unsafe-inline'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]
    persian = anonymous.get("/public/report?lang=fa")
    assert persian.status_code == 200 and 'dir="rtl"' in persian.text
    assert anonymous.get("/report/team", follow_redirects=False).status_code == 303
    assert client_for(Role.VIEWER).get("/report/team").status_code == 403
