"""Is a ``uv.lock`` still the lock of its project? Decided without the network, as uv decides it.

uv keeps an existing lock when it *satisfies* the project (uv's ``ValidatedLock::validate`` and
``Lock::satisfies``): the settings the lock records are the ones in force and everything the lock
recorded about the project's own packages (``[package.metadata]``, ``[manifest]``) still says what
the pyproject says, compared as uv compares (requirements as sets, markers by meaning and
simplified against ``requires-python``, specifiers by meaning, extras and names normalized). A lock
that satisfies the project is used as it is: ``prong lock`` then neither resolves nor writes, and
``--locked``/``--check`` pass. Otherwise the result says what changed, first in uv's words
(``change in resolution mode: `highest` vs. `lowest-direct```) and then, where uv only says "needs
to be updated", which requirement, extra, group or package it is.

The checks run in uv's order, the most drastic first, and the first difference decides; each
difference also says how much of the old lock a new resolution may keep (``reuse``): nothing
(``unusable``: resolution mode or fork strategy changed), its versions but not its forks
(``versions``: environments, conflicts, or requires-python of a forked lock changed) or versions and
forks (``preferable``: anything else).

What uv 0.13.9 does, found by running it side by side (``tests/integration/lock/test_check_vs_uv.py``):
an ``exclude-newer`` moved *later* (globally or for one package) keeps the lock, an earlier one does
not; an ``exclude-newer-span`` that stays the same keeps it whatever the computed timestamp;
``default-groups`` are compared by their effective value (none written means ``["dev"]``); the
order of conflict *sets* matters but not the order inside one; the order of ``environments``
matters; a registry the lock names must be among the configured indexes, unless no index is
configured at all.

Pure: the caller reads the files (:func:`prong.api.lock.lock_status` does, for a project).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from prong.lock.model import Lock, LockedPackage, LockOptions, LockRequirement

if TYPE_CHECKING:
    from prong.pep508.markers import MarkerTree
    from prong.resolver.universal import LocalProject, LoweredRequirement
    from prong.resolver.universal_result import ConflictItemRef

__all__ = [
    "SATISFIED",
    "LockInputs",
    "LockStatus",
    "Reuse",
    "Satisfied",
    "Stale",
    "check_lock",
    "locked_message",
]

#: How much of a lock that no longer satisfies the project a new resolution may keep (uv's
#: ``ValidatedLock``): nothing, the versions only, or the versions and the forks.
Reuse = Literal["unusable", "versions", "preferable"]

#: The kinds of difference, one per uv ``SatisfiesResult`` / ``validate`` branch.
StaleKind = Literal[
    "resolution-mode", "fork-strategy", "exclude-newer", "environments", "required-environments",
    "conflicts", "requires-python", "prerelease", "members", "source", "default-groups",
    "requirements", "constraints", "overrides", "excludes", "build-constraints", "dependency-groups",
    "static-metadata", "missing-root", "missing-index",
    "version", "dynamic-version", "package-requirements", "package-extras", "package-groups",
]

_DEFAULT_RESOLUTION = "highest"
_DEFAULT_PRERELEASE = "if-necessary-or-explicit"
_DEFAULT_FORK_STRATEGY = "requires-python"


def locked_message(tool: str = "prong") -> str:
    """What ``lock --locked`` / ``--check`` says when the lock is stale (uv's sentence, naming
    ``tool``'s own command to run)."""
    return (
        "The lockfile at `uv.lock` needs to be updated, but `--locked` was provided. "
        f"To update the lockfile, run `{tool} lock`."
    )


@dataclass(frozen=True, slots=True)
class Satisfied:
    """The lock satisfies the project: use it as it is."""

    satisfied: ClassVar[bool] = True

    def __str__(self) -> str:
        return "Existing `uv.lock` satisfies workspace requirements"


@dataclass(frozen=True, slots=True)
class Stale:
    """The lock no longer satisfies the project.

    ``reason`` is uv's account of the first difference (what follows "Resolving despite existing
    lockfile due to"); ``details`` name what changed in prong's words, one line each (the
    requirement added, removed or changed, the extra, the group, the package and its index);
    ``package`` is the lock package concerned, when there is one.
    """

    kind: StaleKind
    reason: str
    details: tuple[str, ...] = ()
    reuse: Reuse = "preferable"
    package: str | None = None

    satisfied: ClassVar[bool] = False

    @property
    def message(self) -> str:
        """The line uv logs for this difference."""
        lead = "Ignoring existing lockfile" if self.reuse == "unusable" else "Resolving despite existing lockfile"
        return f"{lead} due to {self.reason}"

    def hints(self) -> tuple[str, ...]:
        """What changed, for an error's hints: the details, else uv's reason."""
        return self.details or (self.reason,)

    def __str__(self) -> str:
        return self.message


#: The one :class:`Satisfied` value.
SATISFIED = Satisfied()

LockStatus = Satisfied | Stale


@dataclass(frozen=True, slots=True)
class LockInputs:
    """What a lock of the project records, computed from the project's files and settings: the
    values :func:`prong.lock.build.build_lock` is given (``projects`` are the workspace members,
    lowered through ``[tool.uv.sources]``), plus the indexes in force.

    ``options`` is ``[options]`` as a new lock would write it (only what differs from uv's
    defaults). ``default_groups`` maps a member to its *effective* ``default-groups`` (``("dev",)``
    when the file sets none). ``index_urls`` are the registries the settings allow (every
    configured index, explicit ones included, the default, and ``--find-links``); ``None`` when no
    index is configured at all, in which case uv accepts any registry the lock names.
    ``root`` is the workspace directory (local indexes are written relative to it).
    """

    projects: tuple[LocalProject, ...]
    requires_python: str
    conflicts: tuple[tuple[ConflictItemRef, ...], ...] = ()
    environments: tuple[MarkerTree, ...] = ()
    required_environments: tuple[MarkerTree, ...] = ()
    options: LockOptions = field(default_factory=LockOptions)
    constraints: tuple[LoweredRequirement, ...] = ()
    overrides: tuple[LoweredRequirement, ...] = ()
    build_constraints: tuple[LoweredRequirement, ...] = ()
    members: tuple[str, ...] = ()
    dynamic_version: tuple[str, ...] = ()
    default_groups: Mapping[str, tuple[str, ...] | str] = field(default_factory=dict)
    index_urls: tuple[str, ...] | None = None
    root: Path | None = None
    #: a virtual workspace root's dependency groups, lowered (``[manifest.dependency-groups]``)
    manifest_groups: Mapping[str, tuple[LoweredRequirement, ...]] = field(default_factory=dict)


def check_lock(lock: Lock, inputs: LockInputs) -> LockStatus:
    """Whether ``lock`` still satisfies the project that ``inputs`` describe (:data:`SATISFIED`), or
    the first difference, as a :class:`Stale` (uv's order: settings, then the manifest, then each
    workspace member's recorded metadata, then the registries of the packages the members reach)."""
    for check in (_check_settings, _check_manifest, _check_members, _check_indexes):
        status = check(lock, inputs)
        if status is not None:
            return status
    return SATISFIED


# -- settings (uv's ValidatedLock::validate) -------------------------------------------------------


def _check_settings(lock: Lock, inputs: LockInputs) -> Stale | None:
    old, new = lock.options, inputs.options
    before = old.resolution_mode or _DEFAULT_RESOLUTION
    after = new.resolution_mode or _DEFAULT_RESOLUTION
    if before != after:
        return Stale("resolution-mode", f"change in resolution mode: `{before}` vs. `{after}`",
                     (f"the resolution mode changed from `{before}` to `{after}`",), reuse="unusable")
    before = old.fork_strategy or _DEFAULT_FORK_STRATEGY
    after = new.fork_strategy or _DEFAULT_FORK_STRATEGY
    if before != after:
        return Stale("fork-strategy", f"change in fork strategy: `{before}` vs. `{after}`",
                     (f"the fork strategy changed from `{before}` to `{after}`",), reuse="unusable")
    change = _exclude_newer_change(old, new)
    if change is not None:
        return Stale("exclude-newer", change, (f"`exclude-newer`: {change}",))

    from prong.pep508.markers import parse_marker

    rp = lock.requires_python
    for kind, label, written, wanted in (
        ("environments", "supported environments", lock.supported_markers, inputs.environments),
        ("required-environments", "required environments", lock.required_markers, inputs.required_environments),
    ):
        expected = [parse_marker(m).simplify_python(rp) for m in written]
        actual = [m.simplify_python(rp) for m in wanted]
        if expected != actual:
            shown = _marker_list(expected), _marker_list(actual)
            key = "environments" if kind == "environments" else "required-environments"
            return Stale(kind, f"change in {label}: `{shown[0]}` vs. `{shown[1]}`",  # type: ignore[arg-type]
                         (f"`tool.uv.{key}` changed from `{shown[0]}` to `{shown[1]}`",), reuse="versions")

    locked_conflicts = [frozenset((c.package, c.extra, c.group) for c in s) for s in lock.conflicts]
    wanted_conflicts = [frozenset((c.package, c.extra, c.group) for c in s) for s in inputs.conflicts]
    if locked_conflicts != wanted_conflicts:
        return Stale("conflicts", "change in conflicting groups: "
                     f"`{_conflicts_text(locked_conflicts)}` vs. `{_conflicts_text(wanted_conflicts)}`",
                     (f"`tool.uv.conflicts` changed from {_conflicts_text(locked_conflicts)} "
                      f"to {_conflicts_text(wanted_conflicts)}",), reuse="versions")

    if _python_range(lock.requires_python) != _python_range(inputs.requires_python):
        return Stale("requires-python",
                     f"change in Python requirement: `{lock.requires_python}` vs. `{inputs.requires_python}`",
                     (f"`requires-python` changed from `{lock.requires_python}` to `{inputs.requires_python}`",),
                     reuse="preferable" if not lock.resolution_markers else "versions")

    before = old.prerelease_mode or _DEFAULT_PRERELEASE
    after = new.prerelease_mode or _DEFAULT_PRERELEASE
    if before != after:
        return Stale("prerelease", f"change in pre-release mode: `{before}` vs. `{after}`",
                     (f"the pre-release mode changed from `{before}` to `{after}`",))
    if dict(old.prerelease_package) != dict(new.prerelease_package):
        return Stale("prerelease", "change in package-specific pre-release modes",
                     ("the package-specific pre-release modes changed",))
    return None


def _exclude_newer_change(old: LockOptions, new: LockOptions) -> str | None:
    """uv 0.13.9's account of an ``exclude-newer`` change that invalidates the lock, or None.

    A cut-off moved later keeps the lock (nothing the lock holds is excluded by it); one moved
    earlier, added or removed does not; with a span (a relative cut-off) only the span counts."""
    change = _value_change(old.exclude_newer, old.exclude_newer_span, new.exclude_newer, new.exclude_newer_span)
    if change is not None:
        if change == "added":
            return f"addition of global exclude newer {new.exclude_newer_span or new.exclude_newer}"
        if change == "removed":
            return "removal of global exclude newer"
        return change
    before, after = dict(old.exclude_newer_package), dict(new.exclude_newer_package)
    for name in sorted(set(before) | set(after)):
        if name not in before:
            value = after[name]
            if value is False:
                return f"addition of exclude newer exclusion for package `{name}`"
            return f"addition of exclude newer `{_timestamp_of(value)}` for package `{name}`"
        if name not in after:
            return f"removal of exclude newer for package `{name}`"
        a, b = before[name], after[name]
        if (a is False) != (b is False):
            return f"change of exclude newer for package `{name}`"
        if a is False:
            continue
        change = _value_change(_timestamp_of(a), _span_of(a), _timestamp_of(b), _span_of(b))
        if change is not None:
            return f"{change} for package `{name}`"
    return None


def _value_change(old_ts: str | None, old_span: str | None, new_ts: str | None, new_span: str | None) -> str | None:
    if old_ts is None and old_span is None:
        return None if new_ts is None and new_span is None else "added"
    if new_ts is None and new_span is None:
        return "removed"
    if old_span is None and new_span is not None:
        return f"addition of exclude newer span `{new_span}`"
    if old_span is not None and new_span is None:
        return "removal of exclude newer span"
    if old_span is not None:
        return None if old_span == new_span else f"change of exclude newer span from `{old_span}` to `{new_span}`"
    a, b = _instant(old_ts), _instant(new_ts)
    if a is not None and b is not None:
        return None if b >= a else f"change of exclude newer timestamp from `{old_ts}` to `{new_ts}`"
    return None if old_ts == new_ts else f"change of exclude newer timestamp from `{old_ts}` to `{new_ts}`"


def _timestamp_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    get = getattr(value, "get", None)
    return get("timestamp") if get is not None else None


def _span_of(value: Any) -> str | None:
    get = getattr(value, "get", None)
    return get("span") if get is not None and not isinstance(value, str) else None


def _instant(text: str | None) -> Any:
    from datetime import datetime, timezone

    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _python_range(requires_python: str) -> Any:
    """The Python versions ``requires_python`` allows, as a canonical marker (so ``>=3.10.0, >=3.9``
    and ``>=3.10`` are the same range, as uv's ``RequiresPython::range`` says)."""
    from prong.pep508.markers import TRUE

    try:
        return TRUE.complexify_python(requires_python)
    except Exception:  # noqa: BLE001 - an unreadable value compares as its text
        return requires_python.replace(" ", "")


def _marker_list(markers: Sequence[MarkerTree]) -> str:
    return "[" + ", ".join(str(m) or "true" for m in markers) + "]"


def _conflicts_text(sets: Sequence[frozenset[tuple[str, str | None, str | None]]]) -> str:
    def item(c: tuple[str, str | None, str | None]) -> str:
        package, extra, group = c
        return f"{package}[{extra}]" if extra is not None else f"{package}:{group}" if group is not None else package

    return "[" + ", ".join("{" + ", ".join(sorted(item(c) for c in s)) + "}" for s in sets) + "]"


# -- the manifest (uv's Lock::satisfies, first part) -----------------------------------------------


def _check_manifest(lock: Lock, inputs: LockInputs) -> Stale | None:
    rp = lock.requires_python
    manifest = lock.manifest
    expected_members = set(inputs.members)
    if expected_members != set(manifest.members):
        added = sorted(expected_members - set(manifest.members))
        removed = sorted(set(manifest.members) - expected_members)
        return Stale("members", "mismatched members",
                     tuple(f"workspace member `{m}` was added" for m in added)
                     + tuple(f"workspace member `{m}` was removed" for m in removed), reuse="preferable")
    for project in inputs.projects:
        found = lock.find(project.name)
        if not found:
            continue  # reported below, as uv's missing root
        locked = found[0]
        want_virtual = project.source.kind == "virtual"
        if (locked.source.kind == "virtual") != want_virtual:
            return Stale("source", f"mismatched source: `{project.name}` "
                         + ("(expected: `virtual`)" if want_virtual else "(unexpected: `virtual`)"),
                         (f"`{project.name}` is " + ("no longer a package (it is virtual now)" if want_virtual else
                                                     "a package now (it was virtual)"),), package=project.name)
        want_editable = project.source.kind == "editable"
        if (locked.source.kind == "editable") != want_editable:
            return Stale("source", f"mismatched source: `{project.name}` "
                         + ("(expected: `editable`)" if want_editable else "(unexpected: `editable`)"),
                         (f"`{project.name}` is " + ("editable now" if want_editable else "no longer editable"),),
                         package=project.name)
        want_groups = inputs.default_groups.get(project.name, ("dev",))
        have_groups = locked.default_groups if locked.default_groups is not None else ("dev",)
        if _groups_value(want_groups) != _groups_value(have_groups):
            return Stale("default-groups", "mismatched member default groups",
                         (f"`{project.name}`: `default-groups` changed from {_groups_text(have_groups)} "
                          f"to {_groups_text(want_groups)}",), package=project.name)
    for kind, label, recorded, wanted in (
        ("constraints", "constraint", manifest.constraints, inputs.constraints),
        ("overrides", "override", manifest.overrides, inputs.overrides),
        ("build-constraints", "build constraint", manifest.build_constraints, inputs.build_constraints),
    ):
        diff = _requirement_diff([_locked_key(r, rp) for r in recorded], [_lowered_key(r, rp) for r in wanted])
        if diff:
            return Stale(kind, f"mismatched {kind.replace('-', ' ')}",  # type: ignore[arg-type]
                         tuple(f"{label} {line}" for line in diff))
    recorded_groups = {g: v for g, v in manifest.dependency_groups.items() if v}
    wanted_groups = {g: v for g, v in inputs.manifest_groups.items() if v}
    for group in sorted(set(recorded_groups) | set(wanted_groups)):
        diff = _requirement_diff([_locked_key(r, rp) for r in recorded_groups.get(group, ())],
                                 [_lowered_key(r, rp) for r in wanted_groups.get(group, ())])
        if diff:
            return Stale("dependency-groups", "mismatched dependency groups",
                         tuple(f"workspace group `{group}`: {line}" for line in diff))
    # A project-less workspace root's own requirements, excludes and dependency metadata: prong's lock writes none of them, so a lock that records some is stale.
    for kind, label, present in (
        ("requirements", "requirements", bool(manifest.requirements)),
        ("excludes", "excludes", bool(manifest.excludes)),
        ("static-metadata", "static metadata", bool(manifest.dependency_metadata)),
    ):
        if present:
            return Stale(kind, f"mismatched {label}",  # type: ignore[arg-type]
                         (f"the lock records [manifest] {label} that the project no longer has",))
    return None


def _groups_value(value: tuple[str, ...] | str) -> Any:
    return value if isinstance(value, str) else tuple(value)


def _groups_text(value: tuple[str, ...] | str) -> str:
    return f"`{value}`" if isinstance(value, str) else "[" + ", ".join(f"`{g}`" for g in value) + "]"


# -- workspace members' recorded metadata ----------------------------------------------------------


def _check_members(lock: Lock, inputs: LockInputs) -> Stale | None:
    rp = lock.requires_python
    dynamic = set(inputs.dynamic_version)
    for project in inputs.projects:
        found = lock.find(project.name)
        if not found:
            return Stale("missing-root", f"missing root package: `{project.name}`",
                         (f"`{project.name}` is not in the lock",), package=project.name)
        locked = found[0]
        shown = f"{locked.name}=={locked.version}" if locked.version is not None else locked.name
        if project.name in dynamic:
            if locked.version is not None:
                return Stale("dynamic-version", f"static version: `{project.name}` (expected a dynamic version)",
                             (f"`{project.name}`: the version is dynamic now (the lock has `{locked.version}`)",),
                             package=project.name)
        elif locked.version is None:
            return Stale("dynamic-version", f"dynamic version: `{project.name}` (expected a static version)",
                         (f"`{project.name}`: the version is `{project.version}` now (the lock has a dynamic one)",),
                         package=project.name)
        elif not _same_version(locked.version, project.version):
            return Stale("version", f"mismatched version: `{project.name}` (expected: `{locked.version}`, "
                         f"found: `{project.version}`)",
                         (f"`{project.name}`: the version changed from `{locked.version}` to `{project.version}`",),
                         package=project.name)
        if project.source.kind == "git":
            continue  # a commit's metadata is fixed: the lock records none (the requirement names the ref)
        status = _check_metadata(locked, project, rp, shown, lock.revision)
        if status is not None:
            return status
    return None


def _same_version(locked: str, wanted: Any) -> bool:
    from prong.errors import ProngError
    from prong.pep440.version import parse_version

    try:
        return parse_version(locked) == (wanted if not isinstance(wanted, str) else parse_version(wanted))
    except ProngError:
        return locked == str(wanted)


def _check_metadata(locked: LockedPackage, project: LocalProject, rp: str, shown: str, revision: int) -> Stale | None:
    from prong.pep508.names import normalize_name

    name = project.name
    have_extras = {normalize_name(e) for e in locked.metadata.provides_extras}
    want_extras = {normalize_name(e) for e in project.provides_extra}
    if revision >= 1 and have_extras != want_extras:
        details = tuple(f"`{name}`: extra `{e}` was added" for e in sorted(want_extras - have_extras))
        details += tuple(f"`{name}`: extra `{e}` was removed" for e in sorted(have_extras - want_extras))
        return Stale("package-extras", f"mismatched extras for: `{shown}`", details, package=name)
    diff = _requirement_diff([_locked_key(r, rp) for r in locked.metadata.requires_dist],
                             [_lowered_key(r, rp) for r in project.requires_dist])
    if diff:
        return Stale("package-requirements", f"mismatched requirements for: `{shown}`",
                     tuple(f"`{name}`: requirement {line}" for line in diff), package=name)
    keep_empty = revision >= 1
    have = {normalize_name(g): reqs for g, reqs in locked.metadata.requires_dev.items() if keep_empty or reqs}
    want = {normalize_name(g): reqs for g, reqs in project.dependency_groups.items() if keep_empty or reqs}
    details: list[str] = []
    for group in sorted(set(have) | set(want)):
        if group not in have:
            details.append(f"`{name}`: dependency group `{group}` was added")
        elif group not in want:
            details.append(f"`{name}`: dependency group `{group}` was removed")
        else:
            diff = _requirement_diff([_locked_key(r, rp) for r in have[group]],
                                     [_lowered_key(r, rp) for r in want[group]])
            details += [f"`{name}`: requirement {line} in group `{group}`" for line in diff]
    if details:
        return Stale("package-groups", f"mismatched dependency groups for: `{shown}`", tuple(details), package=name)
    return None


# -- requirements, compared as uv's normalize_requirement leaves them -------------------------------


@dataclass(frozen=True, slots=True)
class _Key:
    """A requirement reduced to what uv compares: normalized name, sorted extras, the marker (a
    canonical tree, simplified against the lock's requires-python), and the source: the
    specifiers by meaning plus the explicit index and conflict item, or the URL."""

    name: str
    extras: tuple[str, ...]
    marker: Any
    source: tuple[Any, ...]
    text: str = field(compare=False)


def _requirement_diff(locked: Iterable[_Key], wanted: Iterable[_Key]) -> list[str]:
    """One line per difference: ```x>=2``` was added / removed, or ```x>=1``` changed to ```x>=2```."""
    have, want = set(locked), set(wanted)
    gone = sorted(have - want, key=lambda k: (k.name, k.text))
    new = sorted(want - have, key=lambda k: (k.name, k.text))
    lines: list[str] = []
    gone_by_name: dict[str, list[_Key]] = {}
    for k in gone:
        gone_by_name.setdefault(k.name, []).append(k)
    new_by_name: dict[str, list[_Key]] = {}
    for k in new:
        new_by_name.setdefault(k.name, []).append(k)
    for name in sorted(set(gone_by_name) | set(new_by_name)):
        a, b = gone_by_name.get(name, []), new_by_name.get(name, [])
        if len(a) == 1 and len(b) == 1:
            lines.append(f"`{a[0].text}` changed to `{b[0].text}`")
            continue
        lines += [f"`{k.text}` was removed" for k in a]
        lines += [f"`{k.text}` was added" for k in b]
    return lines


def _locked_key(r: LockRequirement, requires_python: str) -> _Key:
    from prong.pep508.markers import TRUE, parse_marker
    from prong.pep508.names import normalize_name

    marker = parse_marker(r.marker).simplify_python(requires_python) if r.marker else TRUE
    extras = tuple(sorted({normalize_name(e) for e in r.extras}))
    url = r.get("url")
    if url is not None:
        source: tuple[Any, ...] = ("url", _strip_url(str(url)))
    elif r.get("git") is not None or r.get("path") is not None or r.get("editable") is not None \
            or r.get("directory") is not None:
        source = ("local", tuple((k, str(v)) for k, v in r.fields if k not in ("name", "extras", "marker")))
    else:
        conflict = r.get("conflict")
        source = ("registry", _specifiers(r.specifier), _strip_url(r.get("index")),
                  _conflict_key(conflict.get("package"), conflict.get("extra"), conflict.get("group"))
                  if conflict is not None else None)
    name = normalize_name(r.name)
    return _Key(name, extras, marker, source, _text(name, extras, r.specifier, r.get("index"), url, marker))


def _lowered_key(lr: LoweredRequirement, requires_python: str) -> _Key:
    from prong.pep508.names import normalize_name

    req = lr.requirement
    marker = lr.marker.simplify_python(requires_python)
    extras = tuple(sorted({normalize_name(e) for e in req.extras}))
    if lr.source is not None and lr.source[0] == "url":
        source: tuple[Any, ...] = ("url", _strip_url(lr.source[1]))
        spec = None
    elif lr.source is not None:
        from prong.lock.build import lock_requirement

        fields = lock_requirement(lr).fields
        source = ("local", tuple((k, str(v)) for k, v in fields if k not in ("name", "extras", "marker")))
        spec = None
    elif req.url is not None:
        source = ("url", _strip_url(req.url))
        spec = None
    else:
        spec = lr.specifier_text
        c = lr.conflict
        source = ("registry", _specifiers(spec), _strip_url(lr.index),
                  _conflict_key(c.package, c.extra, c.group) if c is not None else None)
    name = normalize_name(req.name)
    return _Key(name, extras, marker, source, _text(name, extras, spec, lr.index, req.url, marker))


def _conflict_key(package: Any, extra: Any, group: Any) -> tuple[str, str | None, str | None]:
    from prong.pep508.names import normalize_name

    return (normalize_name(str(package)), normalize_name(extra) if extra else None,
            normalize_name(group) if group else None)


def _specifiers(text: str | None) -> Any:
    """The specifiers by meaning (``>=1`` is ``>=1.0``; order and spaces do not count)."""
    if not text:
        return frozenset()
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    raw = text.strip()
    if raw.startswith("(") and raw.endswith(")"):
        raw = raw[1:-1]
    try:
        return frozenset(SpecifierSet(raw))
    except InvalidSpecifier:
        return frozenset(p.strip() for p in raw.split(",") if p.strip())


def _strip_url(url: str | None) -> str | None:
    """A URL without its credentials (and fragment), as uv compares index and file URLs."""
    if url is None:
        return None
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.username is None and parts.password is None and not parts.fragment:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def _text(name: str, extras: tuple[str, ...], spec: str | None, index: str | None, url: str | None,
          marker: Any) -> str:
    """The requirement as PEP 508-like text for messages (credentials left out)."""
    out = name + (f"[{','.join(extras)}]" if extras else "")
    if url:
        out += f" @ {_strip_url(url)}"
    elif spec:
        out += _spec_text(spec)
    if index:
        out += f" (index {_strip_url(index)})"
    text = str(marker)
    if text:
        out += f" ; {text}"
    return out


def _spec_text(spec: str) -> str:
    raw = spec.strip()
    if raw.startswith("(") and raw.endswith(")"):
        raw = raw[1:-1]
    return ",".join(p.strip().replace(" ", "") for p in raw.split(",") if p.strip())


# -- registries the lock names ---------------------------------------------------------------------


def _check_indexes(lock: Lock, inputs: LockInputs) -> Stale | None:
    if inputs.index_urls is None:
        return None  # no index configured: uv keeps whatever registries the lock names
    remotes: set[str] = set()
    locals_: set[str] = set()
    explicit = [lr.index for p in inputs.projects for lr in p.requires_dist if lr.index]
    explicit += [lr.index for p in inputs.projects for reqs in p.dependency_groups.values()
                 for lr in reqs if lr.index]
    for url in [*inputs.index_urls, *explicit]:
        if url.startswith("file:"):
            local = _local_index(url, inputs.root)
            if local is not None:
                locals_.add(local)
        else:
            remotes.add(_strip_url(url) or url)
    by_id = {p.id: p for p in lock.packages}
    queue = [p for project in inputs.projects for p in lock.find(project.name)[:1]]
    seen = {p.id for p in queue}
    while queue:
        package = queue.pop(0)
        source = package.source
        if source.is_registry:
            value = source.value
            is_remote = "://" in value
            if (is_remote and value not in remotes) or (not is_remote and value not in locals_):
                where = "remote" if is_remote else "local"
                return Stale("missing-index",
                             f"missing {where} index: `{package.name}` `{package.version}` from `{value}`",
                             (f"`{package.name}` {package.version} is locked from `{value}`, which is not "
                              "among the configured indexes",), package=package.name)
        for dep in package.all_dependencies():
            if dep.package not in seen:
                seen.add(dep.package)
                target = by_id.get(dep.package)
                if target is not None:
                    queue.append(target)
    return None


def _local_index(url: str, root: Path | None) -> str | None:
    """A ``file://`` index as the lock writes it: relative to the workspace, forward slashes."""
    import os
    from urllib.parse import unquote, urlsplit

    path = unquote(urlsplit(url).path)
    if root is None:
        return path
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return path
    return rel.replace(os.sep, "/")
