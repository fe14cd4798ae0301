"""Render a page: Jinja2 templates with the viewer, the language, its direction and the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from tollbook.places import provinces
from tollbook.web.auth import CSRF_FIELD, Viewer, csrf_token, set_nonce_cookie
from tollbook.web.i18n import DIRECTION, LANG_COOKIE, persian_digits, pick_language, translate
from tollbook.web.permissions import Perm

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["provinces_list"] = provinces
NAV = (("dashboard", "/", Perm.READ), ("sources", "/sources", Perm.READ), ("records", "/records", Perm.READ),
       ("persons", "/persons", Perm.READ), ("review", "/review", Perm.READ), ("claims", "/claims", Perm.READ),
       ("imports", "/imports", Perm.IMPORT), ("jobs", "/jobs", Perm.READ), ("audit", "/audit", Perm.AUDIT),
       ("users", "/users", Perm.ADMIN), ("public_list", "/public/persons", Perm.PUBLIC),
       ("timeline", "/public/timeline", Perm.PUBLIC), ("report", "/public/report", Perm.PUBLIC))


def render(request: Request, viewer: Viewer, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    """The page `template` for this viewer, in the request's language."""
    lang = pick_language(request)

    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    def label(kind: str, value: object) -> str:
        text = "" if value is None else str(value)
        word = translate(lang, f"{kind}.{text}")
        return text if word == f"{kind}.{text}" else word

    def num(value: object) -> str:
        text = f"{value:,.0f}" if isinstance(value, int | float) else str(value)
        return persian_digits(text) if lang == "fa" else text

    base = {"request": request, "viewer": viewer, "lang": lang, "dir": DIRECTION[lang], "t": t, "label": label,
            "num": num, "csrf_field": CSRF_FIELD, "csrf_token": csrf_token(request, viewer), "Perm": Perm,
            "nav": [(key, href) for key, href, perm in NAV if viewer.can(perm)],
            "other_lang": "en" if lang == "fa" else "fa"}
    response = TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code)
    set_nonce_cookie(request, response)
    if request.query_params.get("lang") in DIRECTION:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
