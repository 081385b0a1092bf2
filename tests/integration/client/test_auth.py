"""Credentials: URL, netrc, keyring command, authenticate policies; never in logs, errors or URLs."""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from prong.cli.diagnostics import render_error
from prong.client.auth import AuthProvider, IndexAuth, redact, split_credentials
from prong.client.http import AuthError, HttpClient, HttpError
from tests.support.fault_server import FaultServer, Route

SECRET = "pa55-w0rd-xyz"
PAGE = b"<html><body><a href='x-1.0.tar.gz'>x-1.0.tar.gz</a></body></html>"


@pytest.fixture
def srv() -> Iterator[FaultServer]:
    with FaultServer() as s:
        s.route("/simple/x/", Route(PAGE, fault="auth", user="alice", password=SECRET))
        s.route("/simple/y/", Route(PAGE, fault="auth", user="alice", password=SECRET))
        yield s


def netrc_file(tmp_path: Path, password: str = SECRET, login: str = "alice") -> Path:
    path = tmp_path / "netrc"
    path.write_text(f"machine 127.0.0.1 login {login} password {password}\n")
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    return path


def keyring_script(tmp_path: Path, password: str | None) -> Path:
    """A stand-in for the ``keyring`` command: prints the password for user alice."""
    script = tmp_path / "keyring"
    log = tmp_path / "keyring.log"
    body = f"print({password!r})" if password else "sys.exit(1)"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"if sys.argv[1:4] == ['--mode', 'creds', 'get'] and {password!r}:\n"
        f"    print('alice'); print({password!r}); sys.exit(0)\n"
        f"if sys.argv[1:2] != ['get'] or sys.argv[3] != 'alice':\n    sys.exit(1)\n{body}\n"
    )
    script.chmod(0o755)
    return script


def test_split_and_redact() -> None:
    clean, creds = split_credentials("https://bob:p%40ss@host.example:8443/simple/?q=1")
    assert clean == "https://host.example:8443/simple/?q=1"
    assert creds is not None and (creds.username, creds.password, creds.source) == ("bob", "p@ss", "url")
    assert "p@ss" not in repr(creds)
    assert redact("https://tok@host/x") == "https://host/x"
    assert redact("https://host/x") == "https://host/x"


def test_credentials_in_url(srv: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="prong"), HttpClient() as http:
        r = http.get(srv.url("/simple/x/", user="alice", password=SECRET))
    assert r.content == PAGE and r.url == srv.url("/simple/x/")
    assert srv.count("/simple/x/") == 1  # sent up front
    assert SECRET not in caplog.text and "alice" not in caplog.text


def test_index_url_credentials_apply_to_the_realm(srv: FaultServer) -> None:
    auth = AuthProvider([IndexAuth(srv.url("/simple/", user="alice", password=SECRET))], netrc=False)
    with HttpClient(auth=auth) as http:
        assert http.get(srv.url("/simple/y/")).content == PAGE
    assert srv.count("/simple/y/") == 1


def test_missing_credentials_say_so(srv: FaultServer) -> None:
    with HttpClient(auth=AuthProvider(netrc=False)) as http, pytest.raises(HttpError) as info:
        http.get(srv.url("/simple/x/"))
    err = info.value
    assert err.status == 401 and err.auth == "missing"
    text = render_error(err)
    assert "no credentials were sent" in text and srv.url("/simple/x/") in text


def test_refused_credentials_say_so(srv: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="prong"), HttpClient(auth=AuthProvider(netrc=False)) as http:
        with pytest.raises(HttpError) as info:
            http.get(srv.url("/simple/x/", user="alice", password="wrong-guess"))
    err = info.value
    assert err.status == 401 and err.auth == "refused"
    text = render_error(err)
    assert "refused the credentials" in text and "wrong-guess" not in text and "alice" not in text
    assert "wrong-guess" not in caplog.text


def test_netrc_after_401(srv: FaultServer, tmp_path: Path) -> None:
    auth = AuthProvider(environ={"NETRC": str(netrc_file(tmp_path))})
    with HttpClient(auth=auth) as http:
        assert http.get(srv.url("/simple/x/")).content == PAGE
        assert srv.count("/simple/x/") == 2  # 401 first, then with netrc credentials
        assert http.get(srv.url("/simple/y/")).content == PAGE
        assert srv.count("/simple/y/") == 1  # the realm's credentials are remembered


def test_netrc_with_wrong_password_is_refused(srv: FaultServer, tmp_path: Path) -> None:
    auth = AuthProvider(environ={"NETRC": str(netrc_file(tmp_path, password="nope"))})
    with HttpClient(auth=auth) as http, pytest.raises(HttpError) as info:
        http.get(srv.url("/simple/x/"))
    assert info.value.auth == "refused" and info.value.auth_source == "netrc"
    assert "netrc" in render_error(info.value)


def test_keyring_subprocess(srv: FaultServer, tmp_path: Path) -> None:
    script = keyring_script(tmp_path, SECRET)
    auth = AuthProvider(netrc=False, keyring="subprocess", keyring_command=str(script))
    with HttpClient(auth=auth) as http:
        assert http.get(srv.url("/simple/x/", user="alice")).content == PAGE
    calls = (tmp_path / "keyring.log").read_text().splitlines()
    assert calls == [f"get {srv.url('/simple/x/')} alice"]


def test_keyring_without_password(srv: FaultServer, tmp_path: Path) -> None:
    script = keyring_script(tmp_path, None)
    auth = AuthProvider(netrc=False, keyring="subprocess", keyring_command=str(script))
    with HttpClient(auth=auth) as http, pytest.raises(HttpError) as info:
        http.get(srv.url("/simple/x/", user="alice"))
    assert info.value.status == 401


def test_authenticate_always_and_never(srv: FaultServer, tmp_path: Path) -> None:
    env = {"NETRC": str(netrc_file(tmp_path))}
    index = srv.url("/simple/")
    always = AuthProvider([IndexAuth(index, "always")], environ=env)
    with HttpClient(auth=always) as http:
        assert http.get(srv.url("/simple/x/")).content == PAGE
    assert srv.count("/simple/x/") == 1  # credentials on the first request
    assert "authorization" in srv.requests("/simple/x/")[0].headers

    never = AuthProvider([IndexAuth(index, "never")], environ=env)
    with HttpClient(auth=never) as http, pytest.raises(HttpError) as info:
        http.get(srv.url("/simple/x/", user="alice", password=SECRET))
    assert info.value.auth == "missing"
    assert "authorization" not in srv.requests("/simple/x/")[-1].headers

    nothing = AuthProvider([IndexAuth(index, "always")], netrc=False)
    with HttpClient(auth=nothing) as http, pytest.raises(AuthError) as err:
        http.get(srv.url("/simple/x/"))
    assert srv.url("/simple/x/") in str(err.value)


def test_credentials_not_sent_to_another_host_on_redirect(srv: FaultServer) -> None:
    with FaultServer() as other:
        other.route("/files/x.whl", Route(b"wheel"))
        srv.route("/simple/r/", Route(fault="redirect", status=302, location=other.url("/files/x.whl")))
        # same host name, different port: a different realm
        with HttpClient() as http:
            r = http.get(srv.url("/simple/r/", user="alice", password=SECRET))
        assert r.content == b"wheel"
        assert "authorization" in srv.requests("/simple/r/")[0].headers
        assert "authorization" not in other.requests("/files/x.whl")[0].headers


def test_netrc_is_optional(tmp_path: Path) -> None:
    auth = AuthProvider(environ={"NETRC": str(tmp_path / "absent")})
    assert auth.lookup("https://host.example/simple/") is None
    bad = tmp_path / "bad-netrc"
    bad.write_text("machine\n")
    os.chmod(bad, 0o600)
    assert AuthProvider(environ={"NETRC": str(bad)}).lookup("https://host.example/") is None


def test_keyring_without_user_name_asks_for_creds(srv: FaultServer, tmp_path: Path) -> None:
    script = keyring_script(tmp_path, SECRET)
    auth = AuthProvider(netrc=False, keyring="subprocess", keyring_command=str(script))
    with HttpClient(auth=auth) as http:
        assert http.get(srv.url("/simple/x/")).content == PAGE
    calls = (tmp_path / "keyring.log").read_text().splitlines()
    assert calls == [f"--mode creds get {srv.url('/simple/x/')}"]


def test_one_keyring_call_for_many_401s(srv: FaultServer, tmp_path: Path) -> None:
    script = keyring_script(tmp_path, SECRET)
    auth = AuthProvider(netrc=False, keyring="subprocess", keyring_command=str(script))
    with HttpClient(auth=auth, max_per_host=8) as http:
        urls = [srv.url("/simple/x/", user="alice"), srv.url("/simple/y/", user="alice")] * 8
        assert {r.content for r in http.map(http.get, urls)} == {PAGE}
    assert len((tmp_path / "keyring.log").read_text().splitlines()) == 1
