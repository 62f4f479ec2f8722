"""``policydiff serve`` is safe by default: CSRF on every form, no request value reaching the file
system, upload limits, hostile files refused in Thai with nothing changed, a token beyond loopback."""

from __future__ import annotations

import io
import os

import pytest
from click.testing import CliRunner

from policydiff.cli import main
from policydiff.store import Store
from policydiff.web import create_app, security
from tests.web.conftest import Client, archive_state, new_round, round_files, upload


@pytest.fixture
def round1(client):
    new_round(client)
    upload(client, "รอบที่ ๑", round_files())
    return client


POSTS = [("/versions", {"label": "ร่าง ๙"}), ("/rounds", {"name": "รอบปลอม", "date_from": "2009-06-30",
                                                           "date_to": "2009-07-14"}),
         ("/rounds/รอบที่ ๑/files", {}), ("/rounds/รอบที่ ๑/dispositions", {"key": "audit.docx#1", "result": "noted",
                                                                           "who": "x", "seen_revision": "0"}),
         ("/who", {"who": "x"})]


@pytest.mark.parametrize("url,data", POSTS, ids=[p[0] for p in POSTS])
@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_post_without_the_right_csrf_token_is_refused_and_changes_nothing(round1, archive, url, data, token):
    before = archive_state(archive)
    fields = dict(data)
    if token is not None:
        fields["csrf_token"] = token
    answer = round1.post(url, fields, csrf=False)
    assert answer.status_code == 403
    assert "แบบฟอร์มนี้หมดอายุ" in answer.get_data(as_text=True)
    assert archive_state(archive) == before


def test_a_fresh_session_has_no_token_to_forge(app, archive):
    http = app.test_client()
    answer = http.post("/rounds", data={"name": "x", "csrf_token": "", "date_from": "2009-06-30",
                                        "date_to": "2009-07-14"})
    assert answer.status_code == 403


@pytest.mark.parametrize("url", ["/rounds/..%2F..%2Fetc%2Fpasswd", "/rounds/..%2F..%2Fetc/passwd",
                                 "/rounds/../../etc/passwd", "/site/..%2F..%2Fetc%2Fpasswd",
                                 "/site/../../../etc/passwd", "/static/..%2F..%2F..%2Fetc%2Fpasswd",
                                 "/static/../app.py", "/rounds/รอบที่ ๑/table.csv%2F..%2F..%2Fx",
                                 "/rounds/รอบที่ ๑/history?key=../../etc/passwd",
                                 "/redline?old=../../etc/passwd&new=ร่าง ๑"])
def test_a_path_in_a_request_never_reaches_the_file_system(round1, url):
    answer = round1.http.get(url)
    assert answer.status_code in (400, 404)
    assert b"root:" not in answer.data


def test_an_upload_named_with_a_path_is_stored_by_its_name_only(round1, archive, tmp_path):
    data = dict(round_files())  # {bytes: name}
    finance = next(b for b, n in data.items() if n == "finance.docx")
    outside_before = sorted(os.listdir(archive.parent))
    answer = upload(round1, "รอบที่ ๑", [(finance, "../../x.docx")])
    assert answer.status_code in (200, 400)
    assert sorted(os.listdir(archive.parent)) == outside_before
    assert not (archive.parent.parent / "x.docx").exists()
    with Store.open(archive) as store:
        names = [s.filename for s in store.get_round("รอบที่ ๑").sources]
    assert all("/" not in n and ".." not in n for n in names)


def test_a_download_name_is_safe_in_the_header(round1):
    value = security.attachment('../../ชุด"เอกสาร\r\nX: y.docx')
    assert "\r" not in value and "\n" not in value and '"../' not in value
    assert value.startswith('attachment; filename="')
    answer = round1.get("/rounds/รอบที่ ๑/table.csv")
    assert "filename*=UTF-8''%E0%B8%95" in answer.headers["Content-Disposition"]


def test_a_round_name_with_a_slash_is_refused(client, archive):
    before = archive_state(archive)
    answer = new_round(client, name="../../x")
    assert answer.status_code == 400
    assert archive_state(archive) == before


def test_an_upload_over_the_limit_is_refused_with_413(round1, archive, monkeypatch):
    before = archive_state(archive)
    round1.app.config["MAX_CONTENT_LENGTH"] = 100_000
    answer = upload(round1, "รอบที่ ๑", [(b"x" * 200_000, "big.docx")])
    assert answer.status_code == 413
    assert "ขนาดใหญ่เกินไป" in answer.get_data(as_text=True)
    assert archive_state(archive) == before


def test_too_many_files_at_once_are_refused(round1, archive):
    before = archive_state(archive)
    answer = upload(round1, "รอบที่ ๑", [(b"x", f"{n}.csv") for n in range(security.MAX_FILES + 1)])
    assert answer.status_code == 413
    assert archive_state(archive) == before


SKIPPED = {"missing_path", "directory", "named_pipe", "unreadable"}  # about the file system, not the bytes


def hostile_cases(tmp):
    from tests.hostile.make_corpus import make_corpus

    return [c for c in make_corpus(tmp) if c.expect == "error" and c.name not in SKIPPED and c.path.is_file()]


def test_each_hostile_file_gets_a_thai_message_and_changes_nothing(round1, archive, tmp_path_factory):
    cases = hostile_cases(tmp_path_factory.mktemp("corpus"))
    assert len(cases) > 40
    before = archive_state(archive)
    for case in cases:
        answer = upload(round1, "รอบที่ ๑", [(case.path.read_bytes(), case.path.name)])
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400, case.name
        assert f"<b>{case.path.name}</b>: ใช้แฟ้มนี้ไม่ได้" in page, case.name
        assert "ไม่รับแฟ้มต่อไปนี้" in page, case.name
        assert "Traceback" not in page and "policydiff-upload-" not in page, case.name
    assert archive_state(archive) == before


def test_every_answer_carries_the_security_headers(client):
    answer = client.get("/")
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in answer.get_data(as_text=True)  # no inline script: the CSP allows none
    assert "HttpOnly" in answer.headers["Set-Cookie"]


def test_with_a_token_every_request_needs_it(archive):
    app = create_app(archive, secret_key="k", token="s3cret")
    http = app.test_client()
    assert http.get("/").status_code == 401
    assert http.get("/rounds/x").status_code == 401
    assert http.get("/?token=wrong").status_code == 401
    first = http.get("/?token=s3cret")
    assert first.status_code == 302 and "pd_token=s3cret" in first.headers["Set-Cookie"]
    assert http.get("/").status_code == 200
    other = Client(app)
    login = other.get("/login")
    assert login.status_code == 200
    assert other.post("/login", {"token": "nope"}).status_code == 401
    assert other.post("/login", {"token": "s3cret"}).status_code == 302
    assert other.get("/").status_code == 200


def test_serve_refuses_another_host_without_a_token(tmp_path):
    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--token" in result.output
    assert not (tmp_path / ".policydiff").exists()


def test_serve_help_says_what_is_safe(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--token" in result.output and "--password-file" in result.output


def test_a_password_file_needs_a_token_on_its_first_line(tmp_path):
    empty = tmp_path / "pw"
    empty.write_text("\n")
    result = CliRunner().invoke(main, ["serve", str(tmp_path), "--host", "0.0.0.0", "--password-file", str(empty)])
    assert result.exit_code == 2 and "first line" in result.output


def test_serve_example_fills_a_new_archive_and_listens_on_loopback(tmp_path, monkeypatch):
    from policydiff.cli import serve as command

    started = []
    monkeypatch.setattr(command, "_run", lambda root, host, port, token: started.append((root, host, port, token)))
    result = CliRunner().invoke(main, ["serve", "--example", str(tmp_path / "example"), "--port", "0"])
    assert result.exit_code == 0, result.output
    assert "added ร่าง ๑ (v1.docx)" in result.output and "added ร่าง ๒ (v2.docx)" in result.output
    assert started == [((tmp_path / "example").resolve(), "127.0.0.1", 0, "")]
    with Store.open(tmp_path / "example") as store:
        assert [v.label for v in store.list_versions()] == ["ร่าง ๑", "ร่าง ๒"]
    token_file = tmp_path / "token"
    token_file.write_text("s3cret\n")
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "example"), "--host", "0.0.0.0",
                                       "--password-file", str(token_file)])
    assert result.exit_code == 0, result.output
    assert started[-1][1:] == ("0.0.0.0", 8080, "s3cret")
