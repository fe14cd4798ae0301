"""Field bundles on the Persian imports page: every outcome a real bundle can come to (checked, imported,
imported before, records already held, refused for each reason, the server's own errors, a checkpoint that
cannot be signed) is said in Persian from the library's stable codes; the English page keeps the library's
English words."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

import tollbook
from tollbook.bundle.codes import BUNDLE_CODES
from tollbook.enums import Role
from tollbook.keys import new_collector_key, new_project_key, write_keypair
from tollbook.store import session_scope
from tollbook.web.bundles import BundleSetup
from tollbook.web.error_words import PERSIAN
from web.bundle_helpers import ROWS, field_setup, seal
from web.test_issue_words import LATIN_WORD, PERSIAN_LETTER
from web.web_helpers import token_of

SECTION = re.compile(r'<section class="report" id="bundle-result">(.*?)</section>', re.S)
ALERT = re.compile(r'(<p class="error" role="alert".*?</p>)', re.S)
IDENTIFIER = re.compile(r"[0-9a-f]{16,}|[\w\-.]*\.(?:tbundle|json|csv|xlsx)")  # ids, fingerprints, file names
BAD_ROW = ROWS.replace("۱۳۹۸/۰۸/۲۵", "۱۳۹۸/۱۳/۲۵")  # month 13: the importers refuse the row


@pytest.fixture
def field(app: FastAPI, tmp_path: Path) -> dict[str, Path]:
    """Registered keys, the server holding the project key, one sealed bundle."""
    return field_setup(app, tmp_path)


def _post(client: TestClient, lang: str, data: bytes, name: str = "میدان.tbundle", source: str = "میدانی"):  # noqa: ANN202
    return client.post(f"/imports/bundle?lang={lang}", files={"file": (name, data, "application/octet-stream")},
                       data={"source": source, "csrf_token": token_of(client)})


def _commit(client: TestClient, lang: str, page: str, source: str = "میدانی"):  # noqa: ANN202
    token = re.search(r'id="bundle-commit">.*?name="token" value="([0-9a-f]{64})"', page).group(1)
    return client.post(f"/imports/bundle/commit?lang={lang}", data={"token": token, "source": source,
                                                                      "csrf_token": token_of(client)})


def _words(fragment: str) -> str:
    """A fragment's words: commands (code), tags, ids, fingerprints and file names taken out."""
    plain = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<code>.*?</code>", " ", fragment, flags=re.S)))
    return IDENTIFIER.sub(" ", plain)


def _persian(page: str, pattern: re.Pattern[str] = SECTION) -> str:
    """The outcome's text, checked to be Persian with no English message left in it."""
    found = pattern.search(page)
    assert found, page[-2000:]
    words = _words(found.group(1))
    assert PERSIAN_LETTER.search(words) and "ترجمه نشده" not in words, words
    assert not LATIN_WORD.search(words), words
    return found.group(1)


def test_each_outcome_of_a_real_bundle_is_said_in_persian(app: FastAPI, client_for, field, tmp_path: Path) -> None:
    client = client_for(Role.DOCUMENTER)
    data = field["bundle"].read_bytes()
    dry = _post(client, "fa", data)
    assert dry.status_code == 200 and "اجرای آزمایشی" in _persian(dry.text) and "۲ ✓" in dry.text
    done = _commit(client, "fa", dry.text)
    assert done.status_code == 200 and "نقطهٔ وارسی" in _persian(done.text) and "checkpoint-" in done.text
    again = _commit(client, "fa", dry.text)  # the same bundle replayed
    assert again.status_code == 200 and "پیش‌تر وارد شده" in _persian(again.text)
    keys = field["keys"]
    same = seal(tmp_path / "work1", keys / "collector.key", keys / "project.pub", field["rows"],
                tmp_path / "same.tbundle")  # a new bundle carrying the very file the first one did
    held = _commit(client, "fa", _post(client, "fa", same.read_bytes()).text)
    assert "۰ ✓" in _persian(held.text) and "۲ گزارش از پیش موجود" in held.text
    more = tmp_path / "more.csv"  # a new bundle holding the same two records and one more
    more.write_text(ROWS + "b3,مریم,کاظمی,,زن,۲۵,۱۳۹۸/۰۸/۲۶,فارس,شیراز,کشته\n", encoding="utf-8")
    overlap = seal(tmp_path / "work2", keys / "collector.key", keys / "project.pub", more, tmp_path / "more.tbundle")
    both = _commit(client, "fa", _post(client, "fa", overlap.read_bytes()).text)
    assert "۱ ✓" in _persian(both.text) and "۲ گزارش از پیش موجود" in both.text


def _refusal(client: TestClient, data: bytes, code: str) -> str:
    """The Persian refusal of a bundle, checked to carry `code` and to be quarantined."""
    page = _post(client, "fa", data)
    assert page.status_code == 400, page.text
    section = _persian(page.text)
    assert f'data-code="{code}"' in section and "قرنطینه" in section
    return section


def test_every_refusal_of_a_real_bundle_is_said_in_persian(app: FastAPI, client_for, field, tmp_path: Path) -> None:
    client = client_for(Role.ADMIN)
    keys, data = field["keys"], field["bundle"].read_bytes()
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    _refusal(client, bytes(tampered), "bundle.wrong_key")
    other = tmp_path / "other"
    write_keypair(other, "project", new_project_key())
    write_keypair(other, "collector", new_collector_key("Stranger"))
    _refusal(client, seal(tmp_path / "w1", keys / "collector.key", other / "project.pub", field["rows"],
                          tmp_path / "other-project.tbundle").read_bytes(), "bundle.wrong_key")
    stranger = _refusal(client, seal(tmp_path / "w2", other / "collector.key", keys / "project.pub", field["rows"],
                                     tmp_path / "stranger.tbundle").read_bytes(), "bundle.unknown_collector")
    assert "ثبت نشده" in stranger and "<code>tollbook keys register COLLECTOR.pub</code>" in stranger
    _refusal(client, b"TOLLBOOK-BUNDLE/1\nshort", "bundle.wrong_key")
    _refusal(client, b"PK\x03\x04 a zip file, not a bundle", "bundle.not_a_bundle")
    bad = _refusal(client, seal(tmp_path / "w3", keys / "collector.key", keys / "project.pub", field["rows"],
                                tmp_path / "bad-row.tbundle", swap_rows=BAD_ROW).read_bytes(), "bundle.bad_row")
    assert "ردیف ۲" in bad and "ماه ۱۳ در بازهٔ ۱ تا ۱۲ نیست" in bad  # the row's own issue, in the report's words
    assert len(list(field["quarantine"].iterdir())) == 6


def test_the_english_page_keeps_the_librarys_words(app: FastAPI, client_for, field, tmp_path: Path) -> None:
    client = client_for(Role.ADMIN)
    keys = field["keys"]
    page = _post(client, "en", seal(tmp_path / "w", keys / "collector.key", keys / "project.pub", field["rows"],
                                    tmp_path / "bad.tbundle", swap_rows=BAD_ROW).read_bytes())
    assert page.status_code == 400 and "untranslated" not in page.text, page.text[-1500:]
    assert "records file &#39;rows.csv&#39;: row 2, date_of_death: Date" in page.text and "month 13" in page.text, \
        page.text[-1500:]


def test_the_servers_own_errors_are_said_in_persian(app: FastAPI, client_for, field, tmp_path: Path) -> None:
    client = client_for(Role.DOCUMENTER)
    assert _post(client, "fa", b"").status_code == 400
    assert 'data-code="upload.empty"' in _persian(_post(client, "fa", b"").text, ALERT)
    wrong = _post(client, "fa", b"given_name\nAli\n", name="فهرست.csv")
    assert "\u200e.tbundle" in _persian(wrong.text, ALERT)
    setup = app.state.bundles
    app.state.bundles = BundleSetup(new_project_key(), setup.quarantine, setup.checkpoints)  # not registered
    unregistered = _post(client, "fa", field["bundle"].read_bytes())
    assert 'data-code="server.project_key_unregistered"' in _persian(unregistered.text, ALERT)
    app.state.bundles = BundleSetup(None, setup.quarantine, setup.checkpoints)
    none = _post(client, "fa", field["bundle"].read_bytes())
    assert "<code>tollbook serve --project-key project.key</code>" in _persian(none.text, ALERT)
    english = _post(client, "en", field["bundle"].read_bytes())
    assert "holds no project key" in english.text and "untranslated" not in english.text


def test_an_import_whose_checkpoint_cannot_be_signed_says_so_in_persian(app: FastAPI, client_for, field) -> None:
    client = client_for(Role.DOCUMENTER)
    dry = _post(client, "fa", field["bundle"].read_bytes())
    with session_scope(app.state.engine) as session:  # someone edits the audit log below the app
        session.execute(text("update audit_events set actor = 'intruder' where id = (select min(id) from "
                             "audit_events)"))
    done = _commit(client, "fa", dry.text)
    assert done.status_code == 200
    section = _persian(done.text)
    assert "وارد شد، اما" in section and 'data-code="checkpoint.broken_chain"' in section
    assert not field["checkpoints"].exists()


def _raised_codes(folder: Path, error: str) -> list[str | None]:
    """The code= of every `raise ERROR(...)` in a package's modules (None where one has none)."""
    codes = []
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and getattr(node.exc.func, "id", None) == error:
                code = next((k.value for k in node.exc.keywords if k.arg == "code"), None)
                codes.append(code.value if isinstance(code, ast.Constant) else None)
    return codes


def test_every_refusal_the_bundle_library_raises_has_a_code_and_persian_words() -> None:
    codes = _raised_codes(Path(tollbook.__file__).parent / "bundle", "BundleRefused")
    assert len(codes) >= 12 and None not in codes
    assert set(codes) == set(BUNDLE_CODES)
    assert set(BUNDLE_CODES) <= set(PERSIAN)
