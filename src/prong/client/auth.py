"""Credentials for indexes: in the URL, in ``.netrc``, or from the ``keyring`` command.

Credentials are looked up per *realm* (scheme, host, port). Each index may say when to send them
(``authenticate``): ``"auto"`` sends none until the server answers 401 and then looks them up,
``"always"`` looks them up before the first request and fails when there are none, ``"never"``
sends none at all. Nothing here ever puts a password into a log line, an error or a URL it
returns: :func:`redact` strips the user-info part of any URL.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit, urlunsplit

__all__ = [
    "AuthPolicy",
    "AuthProvider",
    "Credentials",
    "IndexAuth",
    "realm_of",
    "redact",
    "redact_text",
    "split_credentials",
]

AuthPolicy = Literal["always", "never", "auto"]

log = logging.getLogger("prong.http")


@dataclass(frozen=True, slots=True)
class Credentials:
    """A user name and password, and where they came from (``url``, ``netrc``, ``keyring``)."""

    username: str
    password: str | None = field(repr=False, default=None)
    source: str = "url"

    def __repr__(self) -> str:  # never show the password
        return f"Credentials(username={self.username!r}, source={self.source!r})"

    def basic_header(self) -> str:
        import base64

        token = f"{self.username}:{self.password or ''}".encode()
        return "Basic " + base64.b64encode(token).decode("ascii")


@dataclass(frozen=True, slots=True)
class IndexAuth:
    """Per-index settings: the index URL (credentials allowed in it) and when to authenticate."""

    url: str
    authenticate: AuthPolicy = "auto"


def split_credentials(url: str) -> tuple[str, Credentials | None]:
    """``url`` without its user-info part, and the credentials that were in it."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    creds = Credentials(unquote(user), unquote(password) if sep else None, "url") if user or sep else None
    return clean, creds


def redact(url: str) -> str:
    """``url`` with any user name and password removed: safe for logs, errors and cache keys."""
    return split_credentials(url)[0]


_USERINFO = None


def redact_text(text: str) -> str:
    """``text`` with the credentials of every ``scheme://user:password@host`` URL in it masked as uv
    masks them: ``user:****@`` with a password, ``****@`` with a user name alone (often a token).
    The last line of defence before anything reaches the terminal: errors, hints, warnings, logs."""
    global _USERINFO
    if "@" not in text:
        return text
    if _USERINFO is None:
        import re

        _USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@\s:]*)(?P<pw>:[^/@\s]*)?@")

    def mask(m: Any) -> str:
        if m["pw"] is not None:
            return f"{m['scheme']}{m['user']}:****@"
        return f"{m['scheme']}****@" if m["user"] else m[0]

    return _USERINFO.sub(mask, text)


def realm_of(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port): credentials apply to a whole realm, as in uv and pip."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


class AuthProvider:
    """Finds credentials for URLs. Thread-safe; one per process.

    ``netrc``: ``True`` reads ``$NETRC`` or ``~/.netrc``; a path reads that file; ``False`` none.
    ``keyring``: ``"subprocess"`` runs ``keyring get <url> <username>`` (like uv's
    ``--keyring-provider subprocess``); ``None`` never does.
    """

    def __init__(
        self,
        indexes: Sequence[IndexAuth] = (),
        *,
        netrc: bool | str | os.PathLike[str] = True,
        keyring: Literal["subprocess"] | None = None,
        keyring_command: str = "keyring",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._env = dict(os.environ if environ is None else environ)
        self._indexes: list[tuple[str, AuthPolicy]] = []
        self._known: dict[tuple[str, str, int | None], Credentials] = {}
        self._usernames: dict[tuple[str, str, int | None], str] = {}
        self._lock = threading.Lock()
        self._lookup_lock = threading.Lock()
        self._looked_up: dict[tuple[tuple[str, str, int | None], str | None], Credentials | None] = {}
        self._netrc_setting = netrc
        self._netrc: object | None = None
        self._netrc_loaded = False
        self.keyring = keyring
        self.keyring_command = keyring_command
        for index in indexes:
            clean, creds = split_credentials(index.url)
            self._indexes.append((clean.rstrip("/") + "/", index.authenticate))
            if creds is not None:
                self._remember(realm_of(clean), creds)

    # -- policy ---------------------------------------------------------------------------

    def policy(self, url: str) -> AuthPolicy:
        """The ``authenticate`` setting of the index ``url`` belongs to (longest prefix), else auto."""
        clean = redact(url)
        best, policy = -1, "auto"
        for prefix, pol in self._indexes:
            if (clean.startswith(prefix) or clean.rstrip("/") + "/" == prefix) and len(prefix) > best:
                best, policy = len(prefix), pol
        if best < 0:
            # files of an index often live on another host: use the index of the same realm
            realm = realm_of(clean)
            for prefix, pol in self._indexes:
                if realm_of(prefix) == realm and pol != "auto":
                    return pol
        return policy  # type: ignore[return-value]

    # -- credentials ----------------------------------------------------------------------

    def known(self, url: str) -> Credentials | None:
        """Credentials already known for the realm of ``url`` (from index URLs or earlier success)."""
        with self._lock:
            return self._known.get(realm_of(url))

    def remember(self, url: str, creds: Credentials) -> None:
        """Use ``creds`` for the realm of ``url`` from now on (called after they worked)."""
        self._remember(realm_of(url), creds)

    def _remember(self, realm: tuple[str, str, int | None], creds: Credentials) -> None:
        with self._lock:
            self._known[realm] = creds
            self._usernames[realm] = creds.username

    def lookup(self, url: str, username: str | None = None) -> Credentials | None:
        """Look credentials up for ``url``: netrc, then the keyring command.

        Answers (found or not) are kept per realm and user name, and lookups run one at a time:
        sixteen requests answered 401 at once start one ``keyring`` process, not sixteen.
        """
        realm = realm_of(url)
        if username is None:
            with self._lock:
                username = self._usernames.get(realm)
        key = (realm, username)
        with self._lookup_lock:
            if key in self._looked_up:
                return self._looked_up[key]
            creds = self._from_netrc(realm[1], username)
            if creds is None and self.keyring == "subprocess":
                creds = self._from_keyring(redact(url), realm[1], username)
            self._looked_up[key] = creds
            return creds

    def _from_netrc(self, host: str, username: str | None) -> Credentials | None:
        data = self._load_netrc()
        if data is None:
            return None
        entry = data.authenticators(host)  # type: ignore[attr-defined]
        if not entry:
            return None
        login, _account, password = entry
        if username is not None and login and login != username:
            return None
        return Credentials(login or username or "", password, "netrc")

    def _load_netrc(self) -> object | None:
        with self._lock:
            if self._netrc_loaded:
                return self._netrc
            self._netrc_loaded = True
            setting = self._netrc_setting
            if setting is False:
                return None
            if setting is True:
                path = Path(self._env["NETRC"]) if self._env.get("NETRC") else Path.home() / ".netrc"
            else:
                path = Path(setting)
            if not path.is_file():
                return None
            import netrc

            try:
                self._netrc = netrc.netrc(str(path))
            except (netrc.NetrcParseError, OSError) as err:
                log.warning("ignoring %s: %s", path, getattr(err, "msg", err))
                self._netrc = None
            return self._netrc

    def _from_keyring(self, url: str, host: str, username: str | None) -> Credentials | None:
        """``keyring get <service> <user>``; without a user name, ``keyring --mode creds get <service>``
        (keyring >= 25.2 prints the user name and the password on two lines). The service is the
        URL first, then the host."""
        for service in (url, host):
            if username is not None:
                args = ["get", service, username]
            else:
                args = ["--mode", "creds", "get", service]
            try:
                proc = subprocess.run(
                    [self.keyring_command, *args],
                    capture_output=True,
                    text=True,
                    timeout=60,
                    stdin=subprocess.DEVNULL,
                    env=self._env,
                )
            except (OSError, subprocess.TimeoutExpired) as err:
                log.debug("keyring: cannot run %r: %s", self.keyring_command, type(err).__name__)
                return None
            if proc.returncode != 0:
                continue
            lines = proc.stdout.splitlines()
            if username is not None:
                if lines and lines[0]:
                    return Credentials(username, lines[0], "keyring")
            elif len(lines) >= 2 and lines[0] and lines[1]:
                return Credentials(lines[0], lines[1], "keyring")
        return None
