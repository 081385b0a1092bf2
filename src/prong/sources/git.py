"""Git sources: a repository named by URL, a reference (``branch``, ``tag``, ``rev`` or the
default branch) and an optional ``subdirectory``, checked out with the system ``git``.

Everything lives in the cache bucket ``git-v0``: ``db/<key>`` is a bare repository per URL
(credentials left out of the key), fetched at most once per run; ``checkouts/<key>/<commit>``
is a work tree per commit, made once and never changed (a commit is immutable). A reference is
resolved to a full commit once per run (:func:`resolve`).

The lock names a git source as uv does: the URL without credentials, the subdirectory and the
reference as query pairs (``subdirectory`` first), the commit as the fragment
(``file:///repo?subdirectory=sub&tag=v1#<sha>``): :func:`lock_url` / :func:`parse_lock_url`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from prong.client.auth import redact, redact_text
from prong.errors import ProngError

__all__ = ["GitError", "GitRef", "checkout", "lock_url", "new_run", "parse_lock_url", "parse_pep508_git",
           "resolve"]

BUCKET = "git-v0"
_FULL_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_SHORT_SHA = re.compile(r"^[0-9a-fA-F]{4,40}$")


class GitError(ProngError):
    """A git operation failed: the repository cannot be fetched, or a reference does not exist."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(redact_text(message))
        self.hint = redact_text(hint) if hint else None

    def hints(self) -> Sequence[str]:
        return (self.hint,) if self.hint else ()


@dataclass(frozen=True, slots=True)
class GitRef:
    """What a source asks for: ``kind`` is ``branch``, ``tag``, ``rev`` or None (the default branch)."""

    kind: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        return f"{self.kind} `{self.value}`" if self.kind else "the default branch"


# -- lock URLs -------------------------------------------------------------------------------------


def _form_quote(text: str) -> str:
    """``application/x-www-form-urlencoded`` as the WHATWG URL standard writes it (uv's query pairs)."""
    out = []
    for b in text.encode("utf-8"):
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "*-._"):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


def base_url(url: str) -> str:
    """The repository URL without credentials, query or fragment."""
    parts = urlsplit(redact(url))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def lock_url(url: str, ref: GitRef, subdirectory: str | None, commit: str | None = None) -> str:
    """The URL a lock records for the source (``commit``: the package's source; without it: a
    requirement's ``git = ...``)."""
    pairs = []
    if subdirectory:
        pairs.append(("subdirectory", subdirectory))
    if ref.kind is not None and ref.value is not None:
        pairs.append((ref.kind, ref.value))
    text = base_url(url)
    if pairs:
        text += "?" + "&".join(f"{_form_quote(k)}={_form_quote(v)}" for k, v in pairs)
    if commit:
        text += f"#{commit}"
    return text


def parse_lock_url(value: str) -> tuple[str, GitRef, str | None, str | None]:
    """(repository URL, reference, subdirectory, commit) of a lock's ``git = ...`` value."""
    from urllib.parse import parse_qsl

    parts = urlsplit(value)
    ref = GitRef()
    subdirectory = None
    for k, v in parse_qsl(parts.query, keep_blank_values=True):
        if k == "subdirectory":
            subdirectory = v
        elif k in ("branch", "tag", "rev"):
            ref = GitRef(k, v)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), ref, subdirectory, parts.fragment or None


def parse_pep508_git(url: str) -> tuple[str, GitRef, str | None]:
    """A PEP 508 ``git+<url>[@rev][#subdirectory=...]`` reference: (repository URL, reference,
    subdirectory). ``@rev`` is a ``rev`` (a branch, tag or commit), as uv reads it."""
    text = url[len("git+"):] if url.startswith("git+") else url
    parts = urlsplit(text)
    subdirectory = None
    for pair in parts.fragment.split("&") if parts.fragment else ():
        k, _, v = pair.partition("=")
        if k == "subdirectory" and v:
            subdirectory = unquote(v)
    path = parts.path
    ref = GitRef()
    tail = path.rsplit("/", 1)[-1]
    if "@" in tail:
        head, _, rev = path.rpartition("@")
        path = head
        ref = GitRef("rev", unquote(rev))
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), ref, subdirectory


# -- running git -----------------------------------------------------------------------------------


def _git(args: Sequence[str], *, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="true", LC_ALL="C")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise GitError("`git` was not found on PATH, and git sources need it",
                       "Install git, or use an index, path or URL source instead.") from None
    if check and done.returncode != 0:
        raise subprocess.CalledProcessError(done.returncode, args, done.stdout, done.stderr)
    return done


def _key(url: str) -> str:
    return hashlib.sha256(base_url(url).encode()).hexdigest()[:16]


_lock = threading.Lock()
_fetched: dict[tuple[str, str], Path] = {}
_resolved: dict[tuple[str, str, GitRef], str] = {}


def new_run() -> None:
    """Forget the fetches and the references resolved so far: the next :func:`resolve` fetches
    again (``prong lock`` starts each lock so, as a new process would: in a long-lived process a
    moved branch is seen by the next lock)."""
    with _lock:
        _fetched.clear()
        _resolved.clear()


def fetch(cache_root: Path, url: str) -> Path:
    """The bare repository of ``url`` in the cache, fetched (all branches and tags) once per run."""
    db = Path(cache_root) / BUCKET / "db" / _key(url)
    key = (str(cache_root), url)
    with _lock:
        if key in _fetched:
            return _fetched[key]
        if not (db / "HEAD").is_file():
            db.mkdir(parents=True, exist_ok=True)
            _git(["init", "--quiet", "--bare", str(db)])
        try:
            _git(["fetch", "--quiet", "--force", "--prune", "--tags", url,
                  "+HEAD:refs/prong/HEAD", "+refs/heads/*:refs/heads/*"], cwd=db)
        except subprocess.CalledProcessError as err:
            detail = (err.stderr or "").strip().splitlines()
            raise GitError(f"cannot fetch the git repository {base_url(url)}"
                           + (f": {detail[-1]}" if detail else ""),
                           "Check the `git` URL of the source (and that the repository is reachable).") from None
        _fetched[key] = db
        return db


def _commit_of(db: Path, name: str) -> str | None:
    done = _git(["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], cwd=db, check=False)
    out = done.stdout.strip()
    return out if done.returncode == 0 and _FULL_SHA.match(out) else None


def resolve(cache_root: Path, url: str, ref: GitRef) -> str:
    """The full commit ``ref`` names in the repository at ``url`` (resolved once per run)."""
    key = (str(cache_root), url, ref)
    with _lock:
        found = _resolved.get(key)
    if found is not None:
        return found
    db = fetch(cache_root, url)
    commit = None
    if ref.kind is None:
        commit = _commit_of(db, "refs/prong/HEAD")
    elif ref.kind == "branch":
        commit = _commit_of(db, f"refs/heads/{ref.value}")
    elif ref.kind == "tag":
        commit = _commit_of(db, f"refs/tags/{ref.value}")
    else:
        value = ref.value or ""
        commit = _commit_of(db, f"refs/heads/{value}") or _commit_of(db, f"refs/tags/{value}")
        if commit is None and _SHORT_SHA.match(value):
            commit = _commit_of(db, value)
            if commit is None and _FULL_SHA.match(value):  # a commit no branch or tag reaches
                _git(["fetch", "--quiet", url, value], cwd=db, check=False)
                commit = _commit_of(db, value)
    if commit is None:
        what = {"branch": "branch", "tag": "tag", "rev": "revision"}.get(ref.kind or "", "default branch")
        raise GitError(
            f"the git repository {base_url(url)} has no {what} `{ref.value}`" if ref.kind else
            f"the git repository {base_url(url)} has no default branch",
            f"Check the `{ref.kind}` of the source: `git ls-remote {base_url(url)}` lists the branches and tags."
            if ref.kind else "Name a `branch`, `tag` or `rev` in the source.")
    with _lock:
        _resolved[key] = commit
    return commit


def checkout(cache_root: Path, url: str, commit: str) -> Path:
    """A work tree of ``commit`` of the repository at ``url`` in the cache (made once)."""
    dest = Path(cache_root) / BUCKET / "checkouts" / _key(url) / commit
    if (dest / ".git").exists():
        return dest
    db = Path(cache_root) / BUCKET / "db" / _key(url)
    if _commit_of(db, commit) is None if (db / "HEAD").is_file() else True:
        db = fetch(cache_root, url)
        if _commit_of(db, commit) is None:
            _git(["fetch", "--quiet", url, commit], cwd=db, check=False)
            if _commit_of(db, commit) is None:
                raise GitError(f"the git repository {base_url(url)} has no commit `{commit}`",
                               "Lock again (`prong lock --upgrade-package NAME`) to pick a commit that exists.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".checkout-", suffix=".tmp", dir=dest.parent))
    try:
        _git(["clone", "--quiet", "--no-checkout", str(db), str(tmp / "tree")])
        _git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit], cwd=tmp / "tree")
        try:
            os.replace(tmp / "tree", dest)
        except OSError:
            if not (dest / ".git").exists():  # not another process's checkout of the same commit
                raise
    except subprocess.CalledProcessError as err:
        raise GitError(f"cannot check out commit `{commit}` of {base_url(url)}: {(err.stderr or '').strip()}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest
