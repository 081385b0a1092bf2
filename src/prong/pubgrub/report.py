"""Why version solving failed: the derivation tree and its English report.

The tree's leaves are the external causes of incompatibilities (``NotRoot``, ``NoVersions``,
``UnavailableVersions``, ``FromDependencyOf``); its nodes are ``Derived`` incompatibilities.
``DefaultReport`` walks it as pubgrub-rs's reporter does (so the text has the shape users know
from uv): one sentence per derived fact, "Because …, we can conclude that …", chains told as
"And because …", and a number ``(N)`` on a fact the text refers to again. A ``ReportFormatter``
turns the pieces (external facts, sets of terms) into words; ``DefaultFormatter`` does so
generically through callbacks for packages and version sets.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from prong.errors import ProngError
from prong.pubgrub.incompat import (
    External,
    FromDependencyOf,
    Incompatibility,
    NoVersions,
    NotRoot,
    UnavailableVersions,
)
from prong.pubgrub.term import Term
from prong.pubgrub.version_set import VS

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Derived(Generic[P, VS]):
    """An incompatibility derived from two others.

    ``shared_id`` is set when the same derived incompatibility appears more than once in the
    tree, so that a report can explain it once and refer to it afterwards.
    """

    terms: Mapping[P, Term[VS]]
    shared_id: int | None
    cause1: DerivationTree
    cause2: DerivationTree


DerivationTree = External | Derived[Any, Any]


def derivation_tree(incompat: Incompatibility[Any, Any]) -> DerivationTree:
    """The derivation tree of ``incompat`` (iterative: trees can be deep)."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [incompat]
    while stack:
        i = stack.pop()
        causes = i.causes()
        if causes is None:
            continue
        if i.id in seen:
            shared.add(i.id)
            continue
        seen.add(i.id)
        stack.extend(causes)
    built: dict[int, DerivationTree] = {}
    work: list[tuple[Incompatibility[Any, Any], bool]] = [(incompat, False)]
    while work:
        i, ready = work.pop()
        if i.id in built:
            continue
        causes = i.causes()
        if causes is None:
            built[i.id] = i.cause  # type: ignore[assignment]
        elif not ready:
            work.append((i, True))
            work.append((causes[1], False))
            work.append((causes[0], False))
        else:
            built[i.id] = Derived(
                dict(i.terms), i.id if i.id in shared else None, built[causes[0].id], built[causes[1].id]
            )
    return built[incompat.id]


def externals(tree: DerivationTree) -> list[External]:
    """The external facts of a tree (its leaves), left to right, each once."""
    out: list[External] = []
    seen: set[int] = set()
    stack = [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, Derived):
            stack.append(t.cause2)
            stack.append(t.cause1)
        elif id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return out


def tree_depth(tree: DerivationTree) -> int:
    depth = 0
    level = [tree]
    while level:
        depth += 1
        level = [c for t in level if isinstance(t, Derived) for c in (t.cause1, t.cause2)]
    return depth


def collapse_no_versions(tree: DerivationTree) -> DerivationTree:
    """Fold ``NoVersions`` leaves into the facts they were combined with (after pubgrub-rs).

    "foo 1.0 depends on bar 2" and "there are no versions of foo >1.0, <2" become "foo >=1.0,
    <2 depends on bar 2"; a derived fact whose other cause is derived replaces the node. Missing
    versions of a dependency are kept (they are the reason). Use it when the provider saw every
    version that exists, since the report then stops saying that the others were missing.
    """
    with _recursion_for(tree):
        return _collapse(tree)


def _collapse(tree: DerivationTree) -> DerivationTree:
    if not isinstance(tree, Derived):
        return tree
    c1, c2 = tree.cause1, tree.cause2
    if isinstance(c1, NoVersions):
        other = _collapse(c2)
        merged = _merge_no_versions(other, c1)
        return Derived(tree.terms, tree.shared_id, c1, other) if merged is None else merged
    if isinstance(c2, NoVersions):
        other = _collapse(c1)
        merged = _merge_no_versions(other, c2)
        return Derived(tree.terms, tree.shared_id, other, c2) if merged is None else merged
    return Derived(tree.terms, tree.shared_id, _collapse(c1), _collapse(c2))


def _merge_no_versions(other: DerivationTree, missing: NoVersions[Any, Any]) -> DerivationTree | None:
    if isinstance(other, Derived):
        return other
    if isinstance(other, FromDependencyOf) and other.package == missing.package:
        return FromDependencyOf(
            other.package, other.versions.union(missing.versions), other.dependency, other.dependency_versions
        )
    # Missing versions of a dependency are the point of the explanation; other external
    # facts have reasons of their own: keep both.
    return None


class _recursion_for:
    """Raise the recursion limit enough to walk ``tree`` recursively.

    The limit is process-wide: concurrent walks share one raised limit, and the original comes
    back when the last one ends.
    """

    _lock = threading.Lock()
    _active = 0
    _saved = 0

    def __init__(self, tree: DerivationTree) -> None:
        self.needed = 6 * tree_depth(tree) + 200

    def __enter__(self) -> None:
        cls = _recursion_for
        with cls._lock:
            if cls._active == 0:
                cls._saved = sys.getrecursionlimit()
            cls._active += 1
            if self.needed > sys.getrecursionlimit():
                sys.setrecursionlimit(self.needed)

    def __exit__(self, *exc: object) -> None:
        cls = _recursion_for
        with cls._lock:
            cls._active -= 1
            if cls._active == 0:
                sys.setrecursionlimit(cls._saved)


class ReportFormatter(Protocol):
    """Turns the pieces of a derivation tree into words."""

    def format_external(self, external: External) -> str: ...
    def format_terms(self, terms: Mapping[Any, Term[Any]]) -> str: ...


class DefaultFormatter(Generic[P, VS]):
    """Generic English for packages and version sets rendered by callbacks.

    ``package_versions(p, vs)`` renders a package restricted to a set (default ``"p vs"``);
    a package over the full set is written "all versions of p" as a subject and "p" as an
    object; the root package is written by its name alone; ``failure`` is the conclusion that
    the root cannot be selected.
    """

    def __init__(
        self,
        *,
        root: P | None = None,
        package: Callable[[P], str] = str,
        package_versions: Callable[[P, VS], str] | None = None,
        reason: Callable[[Any], str] = str,
        failure: str = "version solving failed",
    ) -> None:
        self.root = root
        self.package = package
        self.package_versions = package_versions or (lambda p, vs: f"{package(p)} {vs}")
        self.reason = reason
        self.failure = failure

    @staticmethod
    def _is_full(versions: VS) -> bool:
        return bool(versions == type(versions).full())

    def subject(self, package: P, versions: VS) -> tuple[str, bool]:
        """The package as the subject of a sentence, and whether it is plural."""
        if package == self.root:
            return self.package(package), False
        if self._is_full(versions):
            return f"all versions of {self.package(package)}", True
        return self.package_versions(package, versions), False

    def object(self, package: P, versions: VS) -> str:
        """The package as the object of a sentence."""
        if package == self.root or self._is_full(versions):
            return self.package(package)
        return self.package_versions(package, versions)

    def format_external(self, external: External) -> str:
        if isinstance(external, FromDependencyOf):
            subject, plural = self.subject(external.package, external.versions)
            verb = "depend" if plural else "depends"
            return f"{subject} {verb} on {self.object(external.dependency, external.dependency_versions)}"
        if isinstance(external, NoVersions):
            return f"there are no versions of {self.object(external.package, external.versions)}"
        if isinstance(external, UnavailableVersions):
            subject, plural = self.subject(external.package, external.versions)
            text = f"{subject} {'are' if plural else 'is'} unavailable"
            reason = self.reason(external.reason) if external.reason is not None else ""
            return f"{text} because {reason}" if reason else text
        if isinstance(external, NotRoot):
            return f"we are solving dependencies of {self.package(external.package)} {external.version}"
        raise TypeError(f"not an external incompatibility: {external!r}")

    def format_terms(self, terms: Mapping[P, Term[VS]]) -> str:
        items = list(terms.items())
        if not items:
            return self.failure
        if len(items) == 1:
            package, term = items[0]
            if term.positive:
                if package == self.root:
                    return self.failure
                subject, plural = self.subject(package, term.versions)
                return f"{subject} cannot be used"
            return f"{self.object(package, term.versions)} is required"
        if len(items) == 2:
            (p1, t1), (p2, t2) = items
            if t1.positive != t2.positive:
                if not t1.positive:
                    (p1, t1), (p2, t2) = (p2, t2), (p1, t1)
                return self.format_external(FromDependencyOf(p1, t1.versions, p2, t2.versions))
        parts = [
            self.object(p, t.versions) if t.positive else f"not {self.object(p, t.versions)}" for p, t in items
        ]
        return f"{', '.join(parts[:-1])} and {parts[-1]} are incompatible"


class DefaultReport:
    """Numbered English sentences for a derivation tree; override the ``explain_*`` wording."""

    def report(self, tree: DerivationTree, formatter: ReportFormatter) -> str:
        if not isinstance(tree, Derived):
            return f"Because {formatter.format_external(tree)}, we can conclude that {formatter.format_terms({})}."
        builder = _Builder(self, formatter)
        with _recursion_for(tree):
            builder.build(tree)
        return "\n".join(builder.lines)

    # wording --------------------------------------------------------------------------------

    def explain_both_external(self, f: ReportFormatter, e1: External, e2: External, terms: Mapping[Any, Any]) -> str:
        return (
            f"Because {f.format_external(e1)} and {f.format_external(e2)}, "
            f"we can conclude that {f.format_terms(terms)}."
        )

    def explain_both_ref(
        self,
        f: ReportFormatter,
        ref1: int,
        d1: Derived[Any, Any],
        ref2: int,
        d2: Derived[Any, Any],
        terms: Mapping[Any, Any],
    ) -> str:
        return (
            f"Because we know from ({ref1}) that {f.format_terms(d1.terms)} and we know from ({ref2}) that "
            f"{f.format_terms(d2.terms)}, we can conclude that {f.format_terms(terms)}."
        )

    def explain_ref_and_external(
        self, f: ReportFormatter, ref: int, derived: Derived[Any, Any], external: External, terms: Mapping[Any, Any]
    ) -> str:
        return (
            f"Because {f.format_external(external)} and we know from ({ref}) that {f.format_terms(derived.terms)}, "
            f"we can conclude that {f.format_terms(terms)}."
        )

    def and_explain_external(self, f: ReportFormatter, external: External, terms: Mapping[Any, Any]) -> str:
        return f"And because {f.format_external(external)}, we can conclude that {f.format_terms(terms)}."

    def and_explain_ref(
        self, f: ReportFormatter, ref: int, derived: Derived[Any, Any], terms: Mapping[Any, Any]
    ) -> str:
        return (
            f"And because we know from ({ref}) that {f.format_terms(derived.terms)}, "
            f"we can conclude that {f.format_terms(terms)}."
        )

    def and_explain_prior_and_external(
        self, f: ReportFormatter, prior: External, external: External, terms: Mapping[Any, Any]
    ) -> str:
        return (
            f"And because {f.format_external(prior)} and {f.format_external(external)}, "
            f"we can conclude that {f.format_terms(terms)}."
        )


class _Builder:
    """One report in progress: the lines written and the line numbers given so far."""

    def __init__(self, report: DefaultReport, formatter: ReportFormatter) -> None:
        self.r = report
        self.f = formatter
        self.lines: list[str] = []
        self.refs: dict[int, int] = {}  # shared_id -> line number
        self.count = 0

    def ref_of(self, d: Derived[Any, Any]) -> int | None:
        return None if d.shared_id is None else self.refs.get(d.shared_id)

    def add_ref(self) -> int:
        self.count += 1
        self.lines[-1] = f"{self.lines[-1]} ({self.count})"
        return self.count

    def build(self, d: Derived[Any, Any]) -> None:
        self._explain(d)
        if d.shared_id is not None and d.shared_id not in self.refs:
            self.refs[d.shared_id] = self.add_ref()

    def _explain(self, d: Derived[Any, Any]) -> None:
        c1, c2 = d.cause1, d.cause2
        r, f = self.r, self.f
        if not isinstance(c1, Derived) and not isinstance(c2, Derived):
            self.lines.append(r.explain_both_external(f, c1, c2, d.terms))
        elif isinstance(c1, Derived) and not isinstance(c2, Derived):
            self._one_each(c1, c2, d.terms)
        elif isinstance(c2, Derived) and not isinstance(c1, Derived):
            self._one_each(c2, c1, d.terms)
        else:
            assert isinstance(c1, Derived) and isinstance(c2, Derived)
            ref1, ref2 = self.ref_of(c1), self.ref_of(c2)
            if ref1 is not None and ref2 is not None:
                self.lines.append(r.explain_both_ref(f, ref1, c1, ref2, c2, d.terms))
            elif ref1 is not None:
                self.build(c2)
                self.lines.append(r.and_explain_ref(f, ref1, c1, d.terms))
            elif ref2 is not None:
                self.build(c1)
                self.lines.append(r.and_explain_ref(f, ref2, c2, d.terms))
            else:
                self.build(c1)
                if c1.shared_id is not None:
                    # c1 now has a number: explain this node again, referring to it.
                    self.lines.append("")
                    self._explain(d)
                else:
                    ref1 = self.add_ref()
                    self.lines.append("")
                    self.build(c2)
                    self.lines.append(r.and_explain_ref(f, ref1, c1, d.terms))

    def _one_each(self, derived: Derived[Any, Any], external: External, terms: Mapping[Any, Any]) -> None:
        r, f = self.r, self.f
        ref = self.ref_of(derived)
        if ref is not None:
            self.lines.append(r.explain_ref_and_external(f, ref, derived, external, terms))
            return
        p1, p2 = derived.cause1, derived.cause2
        if isinstance(p1, Derived) and not isinstance(p2, Derived):
            # Collapse the chain: explain the prior derivation, then both externals at once.
            self.build(p1)
            self.lines.append(r.and_explain_prior_and_external(f, p2, external, terms))
        elif isinstance(p2, Derived) and not isinstance(p1, Derived):
            self.build(p2)
            self.lines.append(r.and_explain_prior_and_external(f, p1, external, terms))
        else:
            self.build(derived)
            self.lines.append(r.and_explain_external(f, external, terms))


class NoSolution(ProngError, Generic[P]):
    """No set of versions satisfies the root's requirements; ``tree`` says why."""

    def __init__(
        self,
        tree: DerivationTree,
        root_package: P,
        root_version: Any,
        incompatibility: Incompatibility[Any, Any] | None = None,
    ) -> None:
        super().__init__(tree, root_package, root_version, incompatibility)
        self.tree = tree
        self.root_package = root_package
        self.root_version = root_version
        self.incompatibility = incompatibility

    def report(self, formatter: ReportFormatter | None = None) -> str:
        return DefaultReport().report(self.tree, formatter or DefaultFormatter(root=self.root_package))

    def __str__(self) -> str:
        return self.report()
