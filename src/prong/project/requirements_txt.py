"""requirements.txt files: read the pip format, write the pinned output of ``pip compile``.

Reading follows pip's format: one requirement per line, ``#`` comments, ``\\`` continuations,
``-r``/``--requirement`` and ``-c``/``--constraint`` includes (relative to the including
file), ``-e``/``--editable``, ``--hash`` per requirement, the index options (``-i``,
``--extra-index-url``, ``-f``, ``--no-index``) and ``${VAR}`` expansion. Any error names the
file, the line and the column, and quotes the line.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prong.errors import ParseError, ProngError

_ENV_VAR = re.compile(r"\$\{([A-Z0-9_]+)\}")


@dataclass(frozen=True, slots=True)
class RequirementLine:
    """One requirement as written in a file, with where it came from."""

    text: str
    source: str  # the file as the user named it (for "# via -r FILE")
    line: int
    editable: bool = False
    hashes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RequirementsFile:
    """Everything a requirements file (and the files it includes) says."""

    requirements: tuple[RequirementLine, ...] = ()
    constraints: tuple[RequirementLine, ...] = ()
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    pre: bool = False


class RequirementsFileError(ProngError):
    """A line of a requirements file that cannot be understood."""

    def __init__(self, source: str, line: int, column: int, message: str, text: str) -> None:
        self.source, self.line, self.column, self.message, self.text = source, line, column, message, text
        super().__init__(source, line, column, message)

    def __str__(self) -> str:
        caret = " " * max(self.column - 1, 0) + "^"
        return f"{self.source}:{self.line}:{self.column}: {self.message}\n    {self.text}\n    {caret}"


class _FileProblem(ProngError):
    """A requirements file that cannot be read (exit code 1), with the fix."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint

    def hints(self) -> tuple[str, ...]:
        return (self.hint,)


@dataclass(slots=True)
class _Acc:
    requirements: list[RequirementLine] = field(default_factory=list)
    constraints: list[RequirementLine] = field(default_factory=list)
    index_url: str | None = None
    extra_index_urls: list[str] = field(default_factory=list)
    find_links: list[str] = field(default_factory=list)
    no_index: bool = False
    pre: bool = False
    seen: set[Path] = field(default_factory=set)

    def finish(self) -> RequirementsFile:
        return RequirementsFile(
            requirements=tuple(self.requirements),
            constraints=tuple(self.constraints),
            index_url=self.index_url,
            extra_index_urls=tuple(self.extra_index_urls),
            find_links=tuple(self.find_links),
            no_index=self.no_index,
            pre=self.pre,
        )


def read_requirements(
    path: str | Path,
    *,
    constraint: bool = False,
    environ: dict[str, str] | None = None,
    validate: Callable[[str], object] | None = None,
) -> RequirementsFile:
    """Read ``path`` and everything it includes.

    ``validate`` is called on every requirement string (for instance
    ``prong.pep508.requirement.parse_requirement``) so that a bad requirement is reported with
    its file, line and column; its ``ParseError`` span becomes the column.
    """
    acc = _Acc()
    _read_into(acc, Path(path), str(path), constraint, os.environ if environ is None else environ, validate)
    return acc.finish()


def parse_requirements_text(
    text: str, source: str = "<string>", *, validate: Callable[[str], object] | None = None
) -> RequirementsFile:
    """Parse requirements given as text (includes are resolved against the working directory)."""
    acc = _Acc()
    _parse_into(acc, text, source, Path.cwd(), False, dict(os.environ), validate)
    return acc.finish()


_MAX_INCLUDED_FILES = 200
"""How many distinct files one requirements file may pull in through ``-r``/``-c``: a bound that
keeps a 3,000-file chain a clean error instead of a ``RecursionError``."""


def _read_into(
    acc: _Acc,
    path: Path,
    source: str,
    constraint: bool,
    environ: dict[str, str] | os._Environ[str],
    validate: Callable[[str], object] | None,
) -> None:
    if "\x00" in str(path):  # os functions raise ValueError on it
        raise ProngError(f"requirements file {source!r}: a file name cannot contain a NUL byte")
    try:
        resolved = path.resolve()
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        raise ProngError(f"requirements file {source} is a symlink loop") from None
    if resolved in acc.seen:
        return
    if len(acc.seen) >= _MAX_INCLUDED_FILES:
        raise ProngError(
            f"requirements file {source}: more than {_MAX_INCLUDED_FILES} files are included through `-r`/`-c`"
        )
    acc.seen.add(resolved)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a leading BOM is not part of the text
    except FileNotFoundError:
        raise _FileProblem(f"requirements file not found: {source}", "Check the path.") from None
    except IsADirectoryError:
        raise _FileProblem(f"requirements file {source} is a directory, not a file",
                           "Name a file, not a directory.") from None
    except OSError as err:
        raise ProngError(f"cannot read requirements file {source}: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise ProngError(f"{source} is not UTF-8 text ({err.reason} at byte {err.start})") from None
    _parse_into(acc, text, source, path.parent, constraint, environ, validate)


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Join ``\\`` continuations and drop comments; yield (first line number, text)."""
    buf: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not buf:
            start = number
        line = raw
        if line.endswith("\\"):
            buf.append(line[:-1])
            continue
        buf.append(line)
        joined = "".join(buf)
        buf = []
        yield start, _strip_comment(joined)
    if buf:
        yield start, _strip_comment("".join(buf))


def _strip_comment(line: str) -> str:
    # A comment starts at "#" at the beginning or after whitespace (a URL fragment has none).
    match = re.search(r"(^|\s)#", line)
    if match:
        line = line[: match.start()]
    return line.rstrip()


_OPTIONS_WITH_VALUE = {
    "-r": "requirement", "--requirement": "requirement",
    "-c": "constraint", "--constraint": "constraint",
    "-e": "editable", "--editable": "editable",
    "-i": "index_url", "--index-url": "index_url",
    "--extra-index-url": "extra_index_url",
    "-f": "find_links", "--find-links": "find_links",
}


def _parse_into(
    acc: _Acc,
    text: str,
    source: str,
    base: Path,
    constraint: bool,
    environ: dict[str, str] | os._Environ[str],
    validate: Callable[[str], object] | None,
) -> None:
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        expanded = _ENV_VAR.sub(lambda m: environ.get(m.group(1), m.group(0)), stripped)

        def fail(message: str, column: int = 1) -> RequirementsFileError:
            return RequirementsFileError(source, number, column + indent, message, line)

        if expanded.startswith("-"):
            option, value = _split_option(expanded)
            if option in ("--no-index",):
                acc.no_index = True
                continue
            if option in ("--pre",):
                acc.pre = True
                continue
            kind = _OPTIONS_WITH_VALUE.get(option)
            if kind is None:
                raise fail(f"unknown option `{option}`")
            if not value:
                raise fail(f"`{option}` needs a value", len(option) + 1)
            if kind in ("requirement", "constraint") and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value):
                raise fail(f"`{option} {value}`: reading a requirements file from a URL is not supported yet; "
                           "download it and name the local file", len(option) + 2)
            if kind in ("requirement", "constraint"):
                child = Path(value)
                if not child.is_absolute():
                    child = base / child
                child_source = _display_path(child)
                _read_into(acc, child, child_source, constraint or kind == "constraint", environ, validate)
            elif kind == "editable":
                entry = RequirementLine(value, source, number, editable=True)
                (acc.constraints if constraint else acc.requirements).append(entry)
            elif kind == "index_url":
                acc.index_url = value
            elif kind == "extra_index_url":
                acc.extra_index_urls.append(value)
            elif kind == "find_links":
                acc.find_links.append(value)
            continue

        requirement, hashes = _split_hashes(expanded, fail)
        if validate is not None:
            try:
                validate(requirement)
            except ParseError as err:
                raise fail(err.message, err.span[0] + 1) from None
            except ValueError as err:
                raise fail(str(err)) from None
        entry = RequirementLine(requirement, source, number, hashes=hashes)
        (acc.constraints if constraint else acc.requirements).append(entry)


def _display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _split_option(text: str) -> tuple[str, str]:
    if text.startswith("--") and "=" in text.split()[0]:
        option, _, value = text.partition("=")
        return option, value.strip()
    parts = text.split(None, 1)
    option = parts[0]
    if len(parts) == 1 and len(option) > 2 and not option.startswith("--"):
        return option[:2], option[2:]  # "-rfile"
    return option, parts[1].strip() if len(parts) > 1 else ""


def _split_hashes(text: str, fail: Callable[[str, int], RequirementsFileError]) -> tuple[str, tuple[str, ...]]:
    if "--hash" not in text:
        return text, ()
    head, _, tail = text.partition("--hash")
    hashes: list[str] = []
    try:
        tokens = shlex.split("--hash" + tail)
    except ValueError as err:
        raise fail(str(err), len(head) + 1) from None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("--hash="):
            value = token[len("--hash="):]
        elif token == "--hash" and i + 1 < len(tokens):
            i += 1
            value = tokens[i]
        else:
            raise fail(f"unexpected `{token}` after the requirement", len(head) + 1)
        if not re.fullmatch(r"(md5|sha256|sha384|sha512|blake2b):[0-9a-fA-F]+", value):
            raise fail(f"a hash must look like `sha256:<hex>`, not `{value}`", len(head) + 1)
        hashes.append(value)
        i += 1
    return head.strip(), tuple(hashes)


# -- writing -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PinnedLine:
    """One ``name==version`` line of the output, with why it is there."""

    name: str
    version: str
    via: tuple[str, ...] = ()  # parents, or "-r FILE" / "-c FILE"
    hashes: tuple[str, ...] = ()  # "sha256:..."
    marker: str | None = None
    url: str | None = None


def format_requirements_txt(
    pins: Sequence[PinnedLine],
    *,
    command: str | None = None,
    annotate: bool = True,
    tool: str = "prong",
) -> str:
    """The text of a compiled requirements file, in the layout pip-tools and uv write."""
    out: list[str] = []
    if command is not None:
        out.append(f"# This file was autogenerated by {tool} via the following command:")
        out.append(f"#    {command}")
    for pin in sorted(pins, key=_pin_order):
        head = f"{pin.name} @ {pin.url}" if pin.url else f"{pin.name}=={pin.version}"
        if pin.marker:
            head += f" ; {pin.marker}"
        out += requirement_lines(head, pin.hashes, pin.via if annotate else ())
    return "\n".join(out) + "\n"


def _pin_order(pin: PinnedLine) -> tuple[object, ...]:
    """By name, then by version (several versions of a name in a universal resolution)."""
    from packaging.version import InvalidVersion, Version

    try:
        return (pin.name, 0, Version(pin.version), "")
    except InvalidVersion:
        return (pin.name, 1, None, pin.version) if False else (pin.name, 1, Version("0"), pin.version)


def requirement_lines(head: str, hashes: Sequence[str], via: Sequence[str]) -> list[str]:
    """One requirement as pip-tools and uv write it: ``head``, a ``--hash`` line per digest
    (continued with ``\\``), then ``# via`` its parents (one on the same line, more one a line)."""
    out = [head + " \\" if hashes else head]
    out += [f"    --hash={digest}" + (" \\" if i < len(hashes) - 1 else "") for i, digest in enumerate(hashes)]
    if len(via) == 1:
        out.append(f"    # via {via[0]}")
    elif via:
        out.append("    # via")
        out += [f"    #   {v}" for v in via]
    return out


def order_via(via: Iterable[str]) -> tuple[str, ...]:
    """Order ``# via`` entries as uv does: ``-c``/``-r`` files first, then parents by name."""
    items = set(via)
    files = sorted(v for v in items if v.startswith("-"))
    names = sorted(v for v in items if not v.startswith("-"))
    return tuple(files + names)
