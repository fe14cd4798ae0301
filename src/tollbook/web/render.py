"""Render a page: Jinja2 templates with the viewer, the language, its direction and the CSRF token."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from tollbook.places import provinces
from tollbook.web.auth import CSRF_FIELD, Viewer, csrf_token, set_nonce_cookie
from tollbook.web.deps import cached
from tollbook.web.i18n import DIRECTION, LANG_COOKIE, persian_digits, pick_language, translate
from tollbook.web.issue_words import accept_reason, persian_word
from tollbook.web.permissions import Perm

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["provinces_list"] = provinces


def with_code(text: object) -> Markup:
    """A message with its `commands` set as code (escaped; the rest as plain text)."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts)))


TEMPLATES.env.filters["with_code"] = with_code
CSRF_MARK = secrets.token_hex(24)  # stands for the CSRF token in cached pages; replaced per request
NAV = (("dashboard", "/", Perm.READ), ("sources", "/sources", Perm.READ), ("records", "/records", Perm.READ),
       ("persons", "/persons", Perm.READ), ("review", "/review", Perm.READ), ("claims", "/claims", Perm.READ),
       ("imports", "/imports", Perm.IMPORT), ("jobs", "/jobs", Perm.READ), ("audit", "/audit", Perm.AUDIT),
       ("users", "/users", Perm.ADMIN), ("public_list", "/public/persons", Perm.PUBLIC),
       ("timeline", "/public/timeline", Perm.PUBLIC), ("report", "/public/report", Perm.PUBLIC))


def _base(request: Request, viewer: Viewer, lang: str, csrf: str) -> dict[str, Any]:
    """What every template sees: the viewer, the language and its direction, the words, the CSRF token."""

    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    def label(kind: str, value: object) -> str:
        text = "" if value is None else str(value)
        word = translate(lang, f"{kind}.{text}")
        return text if word == f"{kind}.{text}" else word

    def vocab(field: str, value: object) -> str:
        return persian_word(field, str(value)) if lang == "fa" else str(value)

    def num(value: object) -> str:
        text = f"{value:,.0f}" if isinstance(value, int | float) else str(value)
        return persian_digits(text) if lang == "fa" else text

    return {"request": request, "viewer": viewer, "lang": lang, "dir": DIRECTION[lang], "t": t, "label": label,
            "num": num, "vocab": vocab, "accept_reason": lambda reason: accept_reason(lang, reason),
            "csrf_field": CSRF_FIELD, "csrf_token": csrf, "Perm": Perm,
            "nav": [(key, href) for key, href, perm in NAV if viewer.can(perm)],
            "other_lang": "en" if lang == "fa" else "fa"}


def _finish(request: Request, response: HTMLResponse, lang: str) -> HTMLResponse:
    """Set the cookies a page may carry: an anonymous visitor's nonce, a language chosen by ?lang=."""
    set_nonce_cookie(request, response)
    if request.query_params.get("lang") in DIRECTION:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def render(request: Request, viewer: Viewer, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    """The page `template` for this viewer, in the request's language."""
    lang = pick_language(request)
    base = _base(request, viewer, lang, csrf_token(request, viewer))
    return _finish(request, TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code),
                   lang)


def render_cached(request: Request, viewer: Viewer, session: Session, template: str, key: Hashable,
                  context_of: Callable[[], dict[str, Any]]) -> HTMLResponse:
    """A page whose HTML depends only on the data, the language and the viewer's account (`key` names the
    data): rendered once per data version (tollbook.web.cache), then reused with this session's CSRF token put
    in. A page whose data shows only to some roles must say so in `key`, as the data caches do."""
    lang = pick_language(request)

    def build() -> str:
        return TEMPLATES.get_template(template).render(_base(request, viewer, lang, CSRF_MARK) | context_of())

    html = cached(request, session, ("page", template, key, lang, viewer.name, viewer.role), build)
    return _finish(request, HTMLResponse(html.replace(CSRF_MARK, csrf_token(request, viewer))), lang)
