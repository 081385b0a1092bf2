"""``uv.lock`` text: reading it into the model of :mod:`prong.lock.model`, and writing the model out
in uv's own layout, so that a lock uv wrote and prong read comes out as the same bytes.

The layout (taken from the locks uv writes): top-level keys, then ``[options]``, ``[manifest]`` and
one ``[[package]]`` table per package, each table after a blank line; arrays of dependencies,
wheels and markers one element a line with four spaces and a trailing comma; sources, artifacts and
dependency edges as inline tables; the requirements recorded for change detection on one line when
there is at most one. A dependency edge names the version and source of its package only when more
than one package of the lock has that name.

Errors name the file and the place in it (``package `torch` 2.7.0: `wheels[2]```) and what was
expected; a lock of another format version is refused with the way out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from prong.errors import ProngError
from prong.lock.model import (
    LOCK_VERSION,
    SOURCE_KINDS,
    Conflict,
    DependencyMetadata,
    InlineTable,
    Lock,
    LockArtifact,
    LockDependency,
    LockedPackage,
    LockManifest,
    LockOptions,
    LockRequirement,
    LockSource,
    PackageId,
    PackageMetadata,
    Zstd,
)

_REGENERATE = "Restore uv.lock from version control, or delete it and lock again (`uv lock`) to write a new one."
_SPAN_COMMENT = " # This has no effect and is included for backwards compatibility when using relative exclude-newer values."


class LockFileError(ProngError):
    """A ``uv.lock`` prong cannot use: invalid TOML, another format version, or a value of the wrong
    shape. ``where`` names the place in the file (``None``: the whole file). Exit code 2, as uv."""

    exit_code = 2

    def __init__(self, path: Path | str, where: str | None, problem: str, hint: str | None = _REGENERATE) -> None:
        self.path, self.where, self.problem, self.hint = str(path), where, problem, hint
        super().__init__(f"{path}" + (f": {where}" if where else "") + f": {problem}")

    def hints(self) -> tuple[str, ...]:
        return (self.hint,) if self.hint else ()


# -- reading -----------------------------------------------------------------------------------------


def read_lock(path: str | Path) -> Lock:
    """Read and check the lock file at ``path``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LockFileError(path, None, "file not found", "Run `uv lock` to write one.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LockFileError(path, None, f"not UTF-8 text (byte {err.start})") from None
    return parse_lock(text, path)


def parse_lock(text: str, path: str | Path = "uv.lock") -> Lock:
    """The lock that ``text`` (the contents of ``path``, named in errors) describes."""
    import tomllib

    lean, artifacts = _set_aside_artifacts(text)
    try:
        doc = tomllib.loads(lean)
    except tomllib.TOMLDecodeError:
        try:  # the error's line and column as the file has them
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise _toml_error(path, text, err) from None
        except RecursionError:
            raise LockFileError(path, None, "invalid TOML: values nested too deeply") from None
        artifacts = _SetAside("", [])
    except RecursionError:
        raise LockFileError(path, None, "invalid TOML: values nested too deeply") from None
    return _Reader(str(path), artifacts).lock(doc)


def _toml_error(path: str | Path, text: str, err: Exception) -> LockFileError:
    """Invalid TOML, named by line and column; a file that stops in the middle of a value or a
    table header (a write cut short) is called truncated, with the line it stops at."""
    message = str(err)
    if message.endswith("(at end of document)"):
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        return LockFileError(
            path, f"line {line}", f"the file ends in the middle of a value: it looks truncated ({message})",
            "It was probably cut short while being written. Restore uv.lock from version control, or delete "
            "it and lock again (`uv lock`).",
        )
    return LockFileError(path, None, f"invalid TOML: {message}")


# -- the canonical layout's artifacts, read without the general TOML parser ---------------------------
#
# Wheels and sdists are most of a lock's bytes (80 % of the large benchmark lock), and uv writes each
# on one line in a fixed form. Those lines are read with one pattern and set aside; the rest goes to
# tomllib with a placeholder string in their place (a token drawn for this call, so no file can
# forge one). A block with any line in another form is left for tomllib whole.

_ARTIFACT_LINE = re.compile(
    r'\{ (url|path|filename) = "([^"\\\x00-\x1f\x7f]*)"(?:, hash = "([^"\\\x00-\x1f\x7f]*)")?'
    r'(?:, size = (\d+))?(?:, upload-time = "([^"\\\x00-\x1f\x7f]*)")? \}'
)
_WHEELS_BLOCK = re.compile(r"^wheels = \[\n((?:    \{[^\n]*\},\n)+)\]$", re.MULTILINE)
_SDIST_LINE = re.compile(r"^sdist = (\{[^\n]*\})$", re.MULTILINE)


class _SetAside:
    def __init__(self, token: str, values: list[Any]) -> None:
        self.token, self.values = token, values

    def get(self, value: Any) -> Any:
        """What a placeholder stands for (anything else is returned as it is)."""
        if self.token and isinstance(value, str) and value.startswith(self.token):
            return self.values[int(value[len(self.token):])]
        return value


def _artifact_dict(line: str) -> dict[str, Any] | None:
    m = _ARTIFACT_LINE.fullmatch(line)
    if m is None:
        return None
    out: dict[str, Any] = {m.group(1): m.group(2)}
    if m.group(3) is not None:
        out["hash"] = m.group(3)
    if m.group(4) is not None:
        out["size"] = int(m.group(4))
    if m.group(5) is not None:
        out["upload-time"] = m.group(5)
    return out


def _set_aside_artifacts(text: str) -> tuple[str, _SetAside]:
    import secrets

    if "'''" in text or '"""' in text:  # a multi-line string could hold lines that look like these
        return text, _SetAside("", [])
    aside = _SetAside(f"\u2063prong-{secrets.token_hex(8)}:", [])

    def wheels(m: re.Match[str]) -> str:
        found = [_artifact_dict(line[4:-1]) for line in m.group(1).splitlines()]
        if any(f is None for f in found):
            return m.group(0)
        aside.values.append(found)
        return f'wheels = "{aside.token}{len(aside.values) - 1}"'

    def sdist(m: re.Match[str]) -> str:
        found = _artifact_dict(m.group(1))
        if found is None:
            return m.group(0)
        aside.values.append(found)
        return f'sdist = "{aside.token}{len(aside.values) - 1}"'

    lean = _SDIST_LINE.sub(sdist, _WHEELS_BLOCK.sub(wheels, text))
    return lean, aside


class _Reader:
    def __init__(self, path: str, aside: _SetAside | None = None) -> None:
        self.path = path
        self.aside = aside or _SetAside("", [])

    def fail(self, where: str | None, problem: str, hint: str | None = _REGENERATE) -> LockFileError:
        return LockFileError(self.path, where, problem, hint)

    # -- typed access ------------------------------------------------------------------------------
    def table(self, value: Any, where: str, keys: Iterable[str]) -> dict[str, Any]:
        """A table that may hold only ``keys``."""
        value = self.open_table(value, where)
        unknown = [k for k in value if k not in keys]
        if unknown:
            raise self.fail(
                _at(where, unknown[0]),
                "unknown key (prong reads version 1 locks as uv 0.13 writes them)",
                "A newer uv may have written this lock: upgrade prong, or lock again with the uv you use.",
            )
        return value

    def open_table(self, value: Any, where: str) -> dict[str, Any]:
        """A table whose keys are names (extras, groups, packages)."""
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a table, found {_kind(value)}")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"expected a string, found {_kind(value)}")
        return value

    def opt_string(self, table: Mapping[str, Any], key: str, where: str) -> str | None:
        return None if key not in table else self.string(table[key], _at(where, key))

    def integer(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(where, f"expected a non-negative integer, found {_kind(value)}")
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"expected an array, found {_kind(value)}")
        return value

    def strings(self, table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        if key not in table:
            return ()
        at = _at(where, key)
        return tuple(self.string(v, _at(where, f"{key}[{i}]")) for i, v in enumerate(self.array(table[key], at)))

    # -- the document ------------------------------------------------------------------------------
    def lock(self, doc: dict[str, Any]) -> Lock:
        version = doc.get("version")
        if version != LOCK_VERSION:
            if isinstance(version, int) and not isinstance(version, bool):
                raise self.fail(
                    "`version`",
                    f"lock format version {version} is not supported (prong reads version {LOCK_VERSION})",
                    "Lock again with the uv you use (`uv lock`), or upgrade prong if a newer uv wrote this lock.",
                )
            raise self.fail("`version`", f"expected the lock format version {LOCK_VERSION}, found {_kind(version)}")
        self.table(doc, "", ("version", "revision", "requires-python", "resolution-markers", "supported-markers",
                             "required-markers", "conflicts", "options", "manifest", "package"))
        revision = self.integer(doc.get("revision", 0), "`revision`")
        if "requires-python" not in doc:
            raise self.fail(None, "missing `requires-python`")
        raw_packages = self.array(doc.get("package", []), "`package`")
        heads = [self.package_head(raw, i) for i, raw in enumerate(raw_packages)]
        graph = _Graph(self, [pid for pid, _, _ in heads])
        requires_python = self.string(doc["requires-python"], "`requires-python`")
        _check_specifiers(self, requires_python, "`requires-python`")
        return Lock(
            requires_python=requires_python,
            packages=tuple(self.package_body(pid, raw, where, graph) for pid, raw, where in heads),
            version=version,
            revision=revision,
            resolution_markers=self.strings(doc, "resolution-markers", ""),
            supported_markers=self.strings(doc, "supported-markers", ""),
            required_markers=self.strings(doc, "required-markers", ""),
            conflicts=self.conflicts(doc.get("conflicts", [])),
            options=self.options(doc.get("options", {})),
            manifest=self.manifest(doc.get("manifest", {})),
        )

    def conflicts(self, value: Any) -> tuple[tuple[Conflict, ...], ...]:
        sets = []
        for i, items in enumerate(self.array(value, "`conflicts`")):
            members = []
            for j, item in enumerate(self.array(items, f"`conflicts[{i}]`")):
                where = f"`conflicts[{i}][{j}]`"
                t = self.table(item, where, ("package", "extra", "group"))
                if "package" not in t:
                    raise self.fail(where, "missing `package`")
                members.append(Conflict(self.string(t["package"], where), self.opt_string(t, "extra", where),
                                        self.opt_string(t, "group", where)))
            sets.append(tuple(members))
        return tuple(sets)

    def options(self, value: Any) -> LockOptions:
        t = self.table(value, "[options]", ("resolution-mode", "prerelease-mode", "fork-strategy", "exclude-newer",
                                            "exclude-newer-span", "prerelease-package", "exclude-newer-package"))
        prerelease = self.open_table(t.get("prerelease-package", {}), "[options.prerelease-package]")
        per_package = self.open_table(t.get("exclude-newer-package", {}), "[options.exclude-newer-package]")
        newer: dict[str, str | bool | InlineTable] = {}
        for name, setting in per_package.items():
            where = _at("[options.exclude-newer-package]", name)
            if isinstance(setting, dict):
                newer[name] = _freeze(self.table(setting, where, ("timestamp", "span")))
            elif setting is False or isinstance(setting, str):
                newer[name] = setting
            else:
                raise self.fail(where, f"expected a timestamp, `false` or a table, found {_kind(setting)}")
        return LockOptions(
            resolution_mode=self.opt_string(t, "resolution-mode", "[options]"),
            prerelease_mode=self.opt_string(t, "prerelease-mode", "[options]"),
            fork_strategy=self.opt_string(t, "fork-strategy", "[options]"),
            exclude_newer=self.opt_string(t, "exclude-newer", "[options]"),
            exclude_newer_span=self.opt_string(t, "exclude-newer-span", "[options]"),
            prerelease_package={k: self.string(v, _at("[options.prerelease-package]", k))
                                for k, v in prerelease.items()},
            exclude_newer_package=newer,
        )

    def manifest(self, value: Any) -> LockManifest:
        where = "[manifest]"
        t = self.table(value, where, ("members", "requirements", "constraints", "overrides", "excludes",
                                      "build-constraints", "dependency-groups", "dependency-metadata"))
        groups = self.open_table(t.get("dependency-groups", {}), "[manifest.dependency-groups]")
        metadata = []
        for i, raw in enumerate(self.array(t.get("dependency-metadata", []), _at(where, "dependency-metadata"))):
            at = f"[[manifest.dependency-metadata]] #{i + 1}"
            m = self.table(raw, at, ("name", "version", "requires-dist", "requires-python", "provides-extras"))
            if "name" not in m:
                raise self.fail(at, "missing `name`")
            metadata.append(DependencyMetadata(
                name=self.string(m["name"], _at(at, "name")),
                version=self.opt_string(m, "version", at),
                requires_dist=tuple(_freeze(v) for v in self.array(m.get("requires-dist", []), _at(at, "requires-dist"))),
                requires_python=self.opt_string(m, "requires-python", at),
                provides_extras=self.strings(m, "provides-extras", at),
            ))
        return LockManifest(
            members=self.strings(t, "members", where),
            requirements=self.requirements(t, "requirements", where),
            constraints=self.requirements(t, "constraints", where),
            overrides=self.requirements(t, "overrides", where),
            excludes=self.strings(t, "excludes", where),
            build_constraints=self.requirements(t, "build-constraints", where),
            dependency_groups={g: self.requirements(groups, g, "[manifest.dependency-groups]") for g in groups},
            dependency_metadata=tuple(metadata),
        )

    def requirements(self, table: Mapping[str, Any], key: str, where: str) -> tuple[LockRequirement, ...]:
        if key not in table:
            return ()
        out = []
        for i, raw in enumerate(self.array(table[key], _at(where, key))):
            if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
                raise self.fail(_at(where, f"{key}[{i}]"), "expected a requirement table with a `name`")
            out.append(LockRequirement(_freeze(raw).fields))
        return tuple(out)

    # -- packages ----------------------------------------------------------------------------------
    def package_head(self, raw: Any, index: int) -> tuple[PackageId, dict[str, Any], str]:
        """A package's identity, its table and the words that name it in errors."""
        where = f"package #{index + 1}"
        t = self.open_table(raw, where)
        if "name" not in t:
            raise self.fail(where, "missing `name`")
        name = self.string(t["name"], _at(where, "name"))
        version = self.opt_string(t, "version", where)
        where = f"package {name}" + (f" {version}" if version is not None else "")
        self.table(t, where, ("name", "version", "source", "default-groups", "resolution-markers", "dependencies",
                              "sdist", "wheels", "optional-dependencies", "dev-dependencies", "metadata"))
        if "source" not in t:
            raise self.fail(where, "missing `source`")
        source = self.source(t["source"], _at(where, "source"))
        if version is None and source.kind in ("registry", "url", "git", "path"):
            # only a source tree (directory, editable, virtual) may have a dynamic version
            raise self.fail(where, f"missing `version` (a package from a {source.kind} source always has one)")
        if version is not None:
            from prong.errors import InvalidVersion
            from prong.pep440.version import parse_version

            try:
                parse_version(version)
            except InvalidVersion:
                raise self.fail(_at(f"package {name}", "version"),
                                f"`{version}` is not a valid version (PEP 440)") from None
        return PackageId(name, version, source), t, where

    def source(self, value: Any, where: str) -> LockSource:
        t = self.table(value, where, (*SOURCE_KINDS, "subdirectory"))
        kinds = [k for k in SOURCE_KINDS if k in t]
        if len(kinds) != 1:
            raise self.fail(where, f"expected one of {', '.join(SOURCE_KINDS)}, found {len(kinds)}")
        subdirectory = self.opt_string(t, "subdirectory", where)
        if subdirectory is not None and kinds[0] != "url":
            raise self.fail(where, "`subdirectory` goes with a `url` source only")
        return LockSource(kinds[0], self.string(t[kinds[0]], where), subdirectory)

    def package_body(self, pid: PackageId, t: dict[str, Any], where: str, graph: _Graph) -> LockedPackage:
        def deps(value: Any, at: str) -> tuple[LockDependency, ...]:
            return tuple(self.dependency(d, _at(where, f"{at}[{i}]"), graph) for i, d in
                         enumerate(self.array(value, _at(where, at))))

        def groups(key: str) -> dict[str, tuple[LockDependency, ...]]:
            table = self.open_table(t.get(key, {}), _at(where, key))
            return {name: deps(value, f"{key}.{name}") for name, value in table.items()}

        meta_at = _at(where, "metadata")
        meta = self.table(t.get("metadata", {}), meta_at, ("requires-dist", "provides-extras", "requires-dev"))
        dev = self.open_table(meta.get("requires-dev", {}), _at(meta_at, "requires-dev"))
        default_groups: tuple[str, ...] | str | None = None
        if "default-groups" in t:
            value = t["default-groups"]
            default_groups = value if value == "all" else self.strings(t, "default-groups", where)
        return LockedPackage(
            id=pid,
            default_groups=default_groups,
            resolution_markers=self.strings(t, "resolution-markers", where),
            dependencies=deps(t.get("dependencies", []), "dependencies"),
            sdist=self.artifact(self.aside.get(t["sdist"]), _at(where, "sdist"), wheel=False) if "sdist" in t else None,
            wheels=tuple(self.artifact(w, _at(where, f"wheels[{i}]"), wheel=True) for i, w in
                         enumerate(self.array(self.aside.get(t.get("wheels", [])), _at(where, "wheels")))),
            optional_dependencies=groups("optional-dependencies"),
            dev_dependencies=groups("dev-dependencies"),
            metadata=PackageMetadata(
                requires_dist=self.requirements(meta, "requires-dist", meta_at),
                provides_extras=self.strings(meta, "provides-extras", meta_at),
                requires_dev={g: self.requirements(dev, g, _at(meta_at, "requires-dev")) for g in dev},
            ),
        )

    def dependency(self, value: Any, where: str, graph: _Graph) -> LockDependency:
        t = self.table(value, where, ("name", "version", "source", "extra", "marker"))
        if "name" not in t:
            raise self.fail(where, "missing `name`")
        name = self.string(t["name"], _at(where, "name"))
        version = self.opt_string(t, "version", where)
        source = self.source(t["source"], _at(where, "source")) if "source" in t else None
        marker = self.opt_string(t, "marker", where)
        if marker is not None:
            self.check_marker(marker, _at(where, "marker"))
        return LockDependency(
            package=graph.resolve(name, version, source, where),
            extras=self.strings(t, "extra", where),
            marker=marker,
        )

    def check_marker(self, text: str, where: str) -> None:
        """Refuse a marker that PEP 508 does not allow (uv fails to read such a lock too), naming the
        place (the package and the edge) and the marker, with the parser's caret under the fault."""
        from prong.errors import InvalidMarker
        from prong.pep508.markers import parse_marker

        try:
            parse_marker(text)
        except InvalidMarker as err:
            detail = str(err).removeprefix("Invalid marker: ")
            raise self.fail(where, f"`{text}` is not a valid marker (PEP 508): {detail}") from None

    def artifact(self, value: Any, where: str, *, wheel: bool) -> LockArtifact:
        keys = ("url", "path", "filename", "hash", "size", "upload-time", "zstd") if wheel else (
            "url", "path", "hash", "size", "upload-time")
        t = self.table(value, where, keys)
        locations = [k for k in ("url", "path", "filename") if k in t]
        if len(locations) > 1 or (wheel and not locations):
            raise self.fail(where, "expected exactly one of `url`, `path`" + (", `filename`" if wheel else ""))
        zstd = None
        if "zstd" in t:
            z_at = _at(where, "zstd")
            z = self.table(t["zstd"], z_at, ("hash", "size"))
            zstd = Zstd(self.opt_string(z, "hash", z_at), self.integer(z["size"], _at(z_at, "size")) if "size" in z else None)
        hash_ = self.opt_string(t, "hash", where)
        if hash_ is not None and not _HASH_RE.match(hash_):
            raise self.fail(_at(where, "hash"), f"expected `algorithm:hexdigest`, found {hash_!r}")
        return LockArtifact(
            url=self.opt_string(t, "url", where),
            path=self.opt_string(t, "path", where),
            filename=self.opt_string(t, "filename", where),
            hash=hash_,
            size=self.integer(t["size"], _at(where, "size")) if "size" in t else None,
            upload_time=self.opt_string(t, "upload-time", where),
            zstd=zstd,
        )


_HASH_RE = re.compile(r"^[a-z0-9]+:[0-9a-fA-F]+$")


class _Graph:
    """The packages of a lock by name, to give each dependency edge its package's full identity."""

    def __init__(self, reader: _Reader, ids: list[PackageId]) -> None:
        self.reader = reader
        self.by_name: dict[str, list[PackageId]] = {}
        for pid in ids:
            same = self.by_name.setdefault(pid.name, [])
            if pid in same:
                raise reader.fail(f"package `{pid.name}`", f"listed twice ({pid})")
            same.append(pid)

    def resolve(self, name: str, version: str | None, source: LockSource | None, where: str) -> PackageId:
        found = [p for p in self.by_name.get(name, ())
                 if (version is None or p.version == version) and (source is None or p.source == source)]
        if len(found) == 1:
            return found[0]
        wanted = name + (f" {version}" if version is not None else "") + (f" from {source.value}" if source else "")
        if not found:
            raise self.reader.fail(where, f"points to {wanted}, which the lock has no package for")
        raise self.reader.fail(where, f"points to {wanted}, which {len(found)} packages of the lock match; "
                                      "the edge must name the version and source")


def _at(where: str, key: str) -> str:
    """A place inside ``where``: ``package torch 2.7.0: `wheels[2]``` and ``hash`` give
    ``package torch 2.7.0: `wheels[2].hash```."""
    if not where:
        return f"`{key}`"
    if where.endswith("`"):
        return f"{where[:-1]}.{key}`"
    return f"{where}: `{key}`"


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return InlineTable(tuple((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)


# -- writing -----------------------------------------------------------------------------------------


def render_lock(lock: Lock) -> str:
    """``lock`` as uv writes it."""
    w = _Writer()
    w.key_value("version", lock.version)
    if lock.revision > 0:
        w.key_value("revision", lock.revision)
    w.key_value("requires-python", lock.requires_python)
    for key, markers in (("resolution-markers", lock.resolution_markers), ("supported-markers", lock.supported_markers),
                         ("required-markers", lock.required_markers)):
        if markers:
            w.multiline(key, markers, _value)
    if lock.conflicts:
        sets = ("[\n" + "".join(f"    {_inline(_conflict_fields(c))},\n" for c in s) + "]" for s in lock.conflicts)
        w.raw(f"conflicts = [{', '.join(sets)}]\n")
    _write_options(w, lock.options)
    _write_manifest(w, lock.manifest)
    counts = Counter(p.name for p in lock.packages)
    for package in lock.packages:
        _write_package(w, package, counts)
    return w.text()


def _write_options(w: _Writer, o: LockOptions) -> None:
    if not o:
        return
    w.header("options")
    for key, value in (("resolution-mode", o.resolution_mode), ("prerelease-mode", o.prerelease_mode),
                       ("fork-strategy", o.fork_strategy)):
        if value is not None:
            w.key_value(key, value)
    if o.exclude_newer is not None:
        if o.exclude_newer_span is not None:
            w.raw(f"exclude-newer = {_value(o.exclude_newer)}{_SPAN_COMMENT}\n")
        else:
            w.key_value("exclude-newer", o.exclude_newer)
    if o.exclude_newer_span is not None:
        w.key_value("exclude-newer-span", o.exclude_newer_span)
    if o.prerelease_package:
        w.header("options.prerelease-package")
        for name in sorted(o.prerelease_package):
            w.key_value(name, o.prerelease_package[name])
    if o.exclude_newer_package:
        w.header("options.exclude-newer-package")
        for name, setting in o.exclude_newer_package.items():
            w.key_value(name, setting)


def _write_manifest(w: _Writer, m: LockManifest) -> None:
    if not m:
        return
    w.header("manifest")
    if m.members:
        w.multiline("members", m.members, _value)
    for key, values in (("requirements", m.requirements), ("constraints", m.constraints), ("overrides", m.overrides),
                        ("excludes", m.excludes), ("build-constraints", m.build_constraints)):
        if values:
            w.compact_array(key, values)
    if any(m.dependency_groups.values()):
        w.header("manifest.dependency-groups")
        for group, requirements in m.dependency_groups.items():
            if requirements:
                w.compact_array(group, requirements)
    for meta in m.dependency_metadata:
        w.header("manifest.dependency-metadata", array=True)
        w.key_value("name", meta.name)
        if meta.version is not None:
            w.key_value("version", meta.version)
        if meta.requires_dist:
            w.key_value("requires-dist", meta.requires_dist)
        if meta.requires_python is not None:
            w.key_value("requires-python", meta.requires_python)
        if meta.provides_extras:
            w.key_value("provides-extras", meta.provides_extras)


def _write_package(w: _Writer, p: LockedPackage, counts: Counter[str]) -> None:
    def edge(d: LockDependency) -> str:
        fields: list[tuple[str, Any]] = [("name", d.package.name)]
        if counts[d.package.name] > 1:
            if d.package.version is not None:
                fields.append(("version", d.package.version))
            fields.append(("source", _source_table(d.package.source)))
        if d.extras:
            fields.append(("extra", d.extras))
        if d.marker is not None:
            fields.append(("marker", d.marker))
        return _inline(fields)

    w.header("package", array=True)
    w.key_value("name", p.id.name)
    if p.id.version is not None:
        w.key_value("version", p.id.version)
    w.key_value("source", _source_table(p.id.source))
    if p.default_groups is not None:
        if isinstance(p.default_groups, str):
            w.key_value("default-groups", p.default_groups)
        else:
            w.raw("default-groups = [" + ", ".join(_value(g) for g in p.default_groups) + "]\n")
    if p.resolution_markers:
        w.multiline("resolution-markers", p.resolution_markers, _value)
    if p.dependencies:
        w.multiline("dependencies", p.dependencies, edge)
    if p.sdist is not None:
        w.key_value("sdist", _artifact_table(p.sdist))
    if p.wheels:
        w.multiline("wheels", p.wheels, lambda a: _value(_artifact_table(a)))
    for key, groups in (("optional-dependencies", p.optional_dependencies), ("dev-dependencies", p.dev_dependencies)):
        if any(groups.values()):
            w.header(f"package.{key}")
            for name, deps in groups.items():
                if deps:
                    w.multiline(name, deps, edge)
    meta = p.metadata
    if meta.requires_dist or meta.provides_extras or meta.requires_dev:
        w.header("package.metadata")
        if meta.requires_dist:
            w.compact_array("requires-dist", meta.requires_dist)
        if meta.provides_extras:
            w.key_value("provides-extras", meta.provides_extras)
        if meta.requires_dev:
            w.header("package.metadata.requires-dev")
            for group, requirements in meta.requires_dev.items():
                w.compact_array(group, requirements)


def _source_table(s: LockSource) -> InlineTable:
    fields: list[tuple[str, Any]] = [(s.kind, s.value)]
    if s.subdirectory is not None:
        fields.append(("subdirectory", s.subdirectory))
    return InlineTable(tuple(fields))


def _artifact_table(a: LockArtifact) -> InlineTable:
    pairs = (("url", a.url), ("path", a.path), ("filename", a.filename), ("hash", a.hash), ("size", a.size),
             ("upload-time", a.upload_time))
    fields = [(k, v) for k, v in pairs if v is not None]
    if a.zstd is not None:
        z = (("hash", a.zstd.hash), ("size", a.zstd.size))
        fields.append(("zstd", InlineTable(tuple((k, v) for k, v in z if v is not None))))
    return InlineTable(tuple(fields))


def _conflict_fields(c: Conflict) -> list[tuple[str, Any]]:
    fields: list[tuple[str, Any]] = [("package", c.package)]
    if c.extra is not None:
        fields.append(("extra", c.extra))
    if c.group is not None:
        fields.append(("group", c.group))
    return fields


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def raw(self, text: str) -> None:
        self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts)

    def key_value(self, key: str, value: Any) -> None:
        self.parts.append(f"{_key(key)} = {_value(value)}\n")

    def header(self, dotted: str, *, array: bool = False) -> None:
        path = ".".join(_key(k) for k in dotted.split("."))
        self.parts.append(f"\n[[{path}]]\n" if array else f"\n[{path}]\n")

    def multiline(self, key: str, values: Iterable[Any], render: Callable[[Any], str]) -> None:
        self.parts.append(f"{_key(key)} = [\n" + "".join(f"    {render(v)},\n" for v in values) + "]\n")

    def compact_array(self, key: str, values: tuple[Any, ...]) -> None:
        """uv's layout for recorded requirements: on one line when there is at most one."""
        if len(values) <= 1:
            self.key_value(key, values)
        else:
            self.multiline(key, values, _value)


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, InlineTable):
        return _inline(value.fields)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _inline(fields: Iterable[tuple[str, Any]]) -> str:
    body = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in fields)
    return "{ " + body + " }" if body else "{}"


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(text: str) -> str:
    """A TOML string as uv's writer chooses it: plain double quotes when nothing needs escaping, single
    quotes (a literal string) when only quotes or backslashes would, escapes otherwise."""
    if not _CONTROL.search(text):
        if '"' not in text and "\\" not in text:
            return f'"{text}"'
        if "'" not in text:
            return f"'{text}'"
    return '"' + "".join(_ESCAPES.get(c) or (f"\\u{ord(c):04X}" if c < " " or c == "\x7f" else c) for c in text) + '"'


__all__ = ["LockFileError", "parse_lock", "read_lock", "render_lock"]


def _check_specifiers(reader: Any, text: str, where: str) -> None:
    """Refuse a version specifier that PEP 440 does not allow (uv fails to read such a lock too)."""
    from prong.pep440.specifiers import parse_specifiers

    try:
        parse_specifiers(text)
    except ProngError:
        raise reader.fail(where, f"`{text}` is not a valid version specifier (PEP 440)") from None
