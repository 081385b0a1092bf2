"""Why resolution failed, in uv's sentences.

``NoSolutionError`` keeps the solver's derivation tree and the provider's facts (available
versions, unusable versions and projects, index problems). ``report()`` runs the tree through
the simplification passes (:data:`SIMPLIFY_PASSES`: collapse extra proxies, merge ranges
against the versions that exist) and words it as uv does ("Because ... and ..., we can conclude
that ..."); ``hints()`` adds the advice of :mod:`prong.resolver.hints`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from prong.errors import ProngError
from prong.resolver.package import Extra, Group, Package, PubGrubPackage, Python, Root

if TYPE_CHECKING:
    from prong.pep440.version import Version
    from prong.pep440.ranges import Range
    from prong.resolver.hints import Hint
    from prong.resolver.provider import PythonProvider

INDENT = "    "


class NoSolutionError(ProngError):
    """No set of versions satisfies the requirements in this environment."""

    def __init__(self, tree: Any, provider: PythonProvider, *, root_label: str = "your") -> None:
        self.tree = tree
        self.provider = provider
        self.root_label = root_label
        super().__init__("No solution found when resolving dependencies")

    def __str__(self) -> str:
        return f"No solution found when resolving dependencies:\n{self.report()}"

    def simplified_tree(self) -> Any:
        tree = self.tree
        for step in SIMPLIFY_PASSES:
            tree = step(tree, self.provider)
        return tree

    def report(self) -> str:
        """The explanation: one sentence per line, list items indented by four spaces."""
        from prong.pubgrub import Derived

        tree = self.simplified_tree()
        formatter = UvFormatter(self.provider, root_label=self.root_label)
        if not isinstance(tree, Derived):
            empty = _empty_requirement(tree, self.provider)
            if empty is not None:
                return empty
            return _sentence("Because", formatter.format_external(tree), formatter.format_terms({Root(): None}))
        return UvReport().report(tree, formatter)

    def hint_values(self) -> list[Hint]:
        from prong.resolver.hints import collect_hints

        return collect_hints(self.tree, self.provider)

    def hints(self) -> list[str]:
        return [h.message() for h in self.hint_values()]


# -- simplification passes -------------------------------------------------------------------


def collapse_proxies(tree: Any, provider: PythonProvider) -> Any:
    """Drop the edges ``a[x]==v depends on a==v``: extras read as packages of their own."""
    from prong.pubgrub import Derived, FromDependencyOf

    def is_proxy_edge(node: Any) -> bool:
        # also a universal resolution's proxy on the extra's (or group's) own requirements,
        # which reads as the same package (`a[x]`)
        return (
            isinstance(node, FromDependencyOf)
            and isinstance(node.package, (Extra, Group))
            and getattr(node.dependency, "name", None) == node.package.name
            and (isinstance(node.dependency, Package) or str(node.dependency) == str(node.package))
        )

    def walk(node: Any) -> Any:
        if not isinstance(node, Derived):
            return node
        if is_proxy_edge(node.cause1):
            return walk(node.cause2)
        if is_proxy_edge(node.cause2):
            return walk(node.cause1)
        c1, c2 = walk(node.cause1), walk(node.cause2)
        if c1 is node.cause1 and c2 is node.cause2:
            return node
        return Derived(node.terms, node.shared_id, c1, c2)

    return _with_recursion(tree, walk)


def collapse_unavailable_versions(tree: Any, provider: PythonProvider) -> Any:
    """Merge "a==1 was yanked" and "a==2 was yanked" (same reason) into one fact (uv)."""
    from prong.pubgrub import Derived, Term, UnavailableVersions

    def walk(node: Any) -> Any:
        if not isinstance(node, Derived):
            return node
        c1, c2 = node.cause1, node.cause2
        for unavailable, other, first in ((c1, c2, True), (c2, c1, False)):
            if isinstance(unavailable, UnavailableVersions):
                other = walk(other)
                if isinstance(other, Derived):
                    for inner, keep, inner_first in ((other.cause2, other.cause1, False), (other.cause1, other.cause2, True)):
                        if (
                            isinstance(inner, UnavailableVersions)
                            and inner.package == unavailable.package
                            and str(inner.reason) == str(unavailable.reason)
                        ):
                            versions = inner.versions.union(unavailable.versions)
                            terms = dict(other.terms)
                            t = terms.get(unavailable.package)
                            if t is not None and t.positive:
                                terms[unavailable.package] = Term(True, versions)
                            merged = UnavailableVersions(unavailable.package, versions, unavailable.reason)
                            pair = (merged, keep) if inner_first else (keep, merged)
                            return Derived(terms, other.shared_id, *pair)
                pair = (unavailable, other) if first else (other, unavailable)
                return Derived(node.terms, node.shared_id, *pair)
        return Derived(node.terms, node.shared_id, walk(c1), walk(c2))

    return _with_recursion(tree, walk)


def collapse_redundant_depends_on_no_versions(tree: Any, provider: PythonProvider) -> Any:
    """"C depends on A>=1" + "A has no versions but 1" + "A 1 depends on B": drop the listing
    of A's versions when the dependency already covers the range asked for (uv)."""
    from prong.pubgrub import Derived, FromDependencyOf, NoVersions

    def inner(node: Any, package: Any, versions: Any) -> Any:
        if not isinstance(node, Derived):
            return node
        c1, c2 = node.cause1, node.cause2
        for nv, dep in ((c1, c2), (c2, c1)):
            if (
                isinstance(nv, NoVersions)
                and isinstance(dep, FromDependencyOf)
                and nv.package == dep.dependency
                and package == nv.package
                and versions.is_subset(dep.dependency_versions)
            ):
                return dep
        n1, n2 = inner(c1, package, versions), inner(c2, package, versions)
        if n1 is c1 and n2 is c2:
            return node
        return Derived(node.terms, node.shared_id, n1, n2)

    def walk(node: Any) -> Any:
        if not isinstance(node, Derived):
            return node
        c1, c2 = node.cause1, node.cause2
        if isinstance(c1, FromDependencyOf):
            return Derived(node.terms, node.shared_id, c1, inner(walk(c2), c1.package, c1.versions))
        if isinstance(c2, FromDependencyOf):
            return Derived(node.terms, node.shared_id, inner(walk(c1), c2.package, c2.versions), c2)
        return Derived(node.terms, node.shared_id, walk(c1), walk(c2))

    return _with_recursion(tree, walk)


def collapse_redundant_no_versions(tree: Any, provider: PythonProvider) -> Any:
    """Drop "there are no versions of a>1" beside a fact whose conclusion already covers it
    ("all versions of a depend on b"); keep "only a==1.0 is available" (uv)."""
    from prong.pubgrub import Derived, NoVersions

    def walk(node: Any) -> Any:
        if not isinstance(node, Derived):
            return node
        c1, c2 = node.cause1, node.cause2
        for nv, other in ((c1, c2), (c2, c1)):
            if isinstance(nv, NoVersions) and not isinstance(nv.package, Python):
                other = walk(other)
                terms = other.terms if isinstance(other, Derived) else node.terms
                term = terms.get(nv.package)
                rebuilt = Derived(node.terms, node.shared_id, *((nv, other) if nv is c1 else (other, nv)))
                if term is None or not term.positive:
                    return rebuilt
                available = nv.versions.complement()
                if available.as_singleton() is not None or _is_pin(available):
                    return rebuilt
                if not term.versions.is_full() and term.versions != available:
                    return rebuilt
                return other
        return Derived(node.terms, node.shared_id, walk(c1), walk(c2))

    return _with_recursion(tree, walk)


def simplify_ranges(tree: Any, provider: PythonProvider) -> Any:
    """Widen ranges as far as the available versions allow, as uv does: the version a
    dependency fact is about (``a==1.0`` of 1.0, 2.0 reads ``a<=1.0``), derived terms, and
    dependency ranges that are not pins (``b==1.0`` stays). Facts about Python are left alone."""
    from prong.pubgrub import Derived, FromDependencyOf, Term

    def simp(pkg: Any, rng: Range, dep: Any = None) -> Range:
        if not isinstance(pkg, (Package, Extra)) or isinstance(dep, Python) or _is_pin(rng):
            return rng
        return simplify_range(rng, provider.available_versions(pkg.name))

    def walk(node: Any) -> Any:
        if isinstance(node, FromDependencyOf):
            return FromDependencyOf(
                node.package,
                simp(node.package, node.versions, node.dependency),
                node.dependency,
                node.dependency_versions
                if _is_pin(node.dependency_versions) or node.dependency_versions.as_singleton() is not None
                else simp(node.dependency, node.dependency_versions),
            )
        if not isinstance(node, Derived):
            return node
        terms = {p: Term(t.positive, simp(p, t.versions)) for p, t in node.terms.items()}
        return Derived(terms, node.shared_id, walk(node.cause1), walk(node.cause2))

    return _with_recursion(tree, walk)


def _holds_any(rng: Range, provider: PythonProvider, package: Any) -> bool:
    if not isinstance(package, (Package, Extra)):
        return True
    return any(rng.contains(v) for v in provider.available_versions(package.name))


def _same_on_available(a: Mapping[Any, Any], b: Mapping[Any, Any], provider: PythonProvider) -> bool:
    """Two term sets that say the same about every version that exists."""
    if set(a) != set(b):
        return False
    for pkg, ta in a.items():
        tb = b[pkg]
        if ta.positive != tb.positive:
            return False
        if ta.versions == tb.versions:
            continue
        if not isinstance(pkg, (Package, Extra)):
            return False
        versions = provider.available_versions(pkg.name)
        if not versions or any(ta.versions.contains(v) != tb.versions.contains(v) for v in versions):
            return False
    return True


def drop_tautologies(tree: Any, provider: PythonProvider) -> Any:
    """A step that concludes what one of its causes already said (after ranges were widened)
    is dropped: "X cannot be used. And because only ... are available, X cannot be used."."""
    from prong.pubgrub import Derived, FromDependencyOf, NoVersions, Term, UnavailableVersions

    def walk(node: Any) -> Any:
        if not isinstance(node, Derived):
            return node
        c1, c2 = walk(node.cause1), walk(node.cause2)
        for nv, other in ((c1, c2), (c2, c1)):
            if not isinstance(nv, NoVersions):
                continue
            if isinstance(other, FromDependencyOf) and node.shared_id is None:
                implied = {other.package: Term(True, other.versions)}
                if not other.dependency_versions.is_empty():
                    implied[other.dependency] = Term(False, other.dependency_versions)
                if _same_on_available(node.terms, implied, provider):
                    return other
            if isinstance(other, Derived) and _same_on_available(other.terms, node.terms, provider):
                if node.shared_id is not None and other.shared_id is None:
                    return Derived(other.terms, node.shared_id, other.cause1, other.cause2)
                return other
            # "only a==1.0 is available" where the missing versions are only 1.0's local
            # versions, none of which exists: the step says nothing the reader can see.
            term = node.terms.get(nv.package)
            if term is None or not term.positive or _holds_any(nv.versions, provider, nv.package):
                continue
            if isinstance(other, Derived) and len(node.terms) == 1:
                inner = other.terms.get(nv.package)
                if inner is not None and inner.positive and term.versions.is_subset(inner.versions.union(nv.versions)):
                    if node.shared_id is not None and other.shared_id is None:
                        return Derived(other.terms, node.shared_id, other.cause1, other.cause2)
                    return other
            if isinstance(other, UnavailableVersions) and other.package == nv.package and _is_pin(term.versions):
                if other.versions.union(nv.versions) == term.versions and len(node.terms) == 1:
                    return UnavailableVersions(other.package, term.versions, other.reason)
        if c1 is node.cause1 and c2 is node.cause2:
            return node
        return Derived(node.terms, node.shared_id, c1, c2)

    return _with_recursion(tree, walk)


def expand_requires_python(tree: Any, provider: PythonProvider) -> Any:
    """"a==1 requires Python >=3.10" becomes uv's two facts: "the requested Python version
    (>=3.9) does not satisfy Python>=3.10 and a==1 depends on Python>=3.10"."""
    from prong.pep440.ranges import Range
    from prong.pubgrub import Derived, FromDependencyOf, NoVersions, Term, UnavailableVersions

    def leaf(node: Any) -> Any:
        reason = getattr(node, "reason", None)
        if isinstance(node, UnavailableVersions) and getattr(reason, "kind", None) == "requires-python":
            rp = Range.from_specifiers(reason.details["requires_python"])
            return Derived(
                {node.package: Term(True, node.versions)},
                None,
                NoVersions(Python(), rp),
                FromDependencyOf(node.package, node.versions, Python(), rp),
            )
        return node

    def walk(node: Any) -> Any:
        if not isinstance(node, Derived):
            return leaf(node)
        return Derived(node.terms, node.shared_id, walk(node.cause1), walk(node.cause2))

    return _with_recursion(tree, walk)


SIMPLIFY_PASSES: tuple[Callable[[Any, Any], Any], ...] = (
    collapse_proxies,
    collapse_unavailable_versions,
    collapse_redundant_depends_on_no_versions,
    simplify_ranges,
    collapse_redundant_no_versions,
    drop_tautologies,
    expand_requires_python,
)


def _with_recursion(tree: Any, fn: Callable[[Any], Any]) -> Any:
    import sys

    from prong.pubgrub.report import tree_depth

    need = 4 * tree_depth(tree) + 200
    old = sys.getrecursionlimit()
    if need > old:
        sys.setrecursionlimit(need)
    try:
        return fn(tree)
    finally:
        if need > old:
            sys.setrecursionlimit(old)


def simplify_range(rng: Range, versions: Sequence[Version]) -> Range:
    """pubgrub's ``Ranges::simplify``: the same available versions with fewer bounds.

    Stretches holding no available version are dropped, gaps between two held versions are
    filled, and the range is opened below the lowest and above the highest available version
    when those are held. A range holding no available version is returned unchanged.
    """
    from prong.pep440.ranges import Range

    if not versions or rng.is_empty():
        return rng
    inside = [rng.contains(v) for v in versions]
    if not any(inside):
        return rng
    intervals = rng.intervals()

    def stretch(v: Version) -> Range:
        index = 0
        for i, (lo, _, _, _) in enumerate(intervals):
            if lo is None or lo <= v:
                index = i
        lo, lo_inc, hi, hi_inc = intervals[index]
        part = Range.full()
        if lo is not None:
            part = part.intersection(Range.at_least(lo) if lo_inc else Range.higher_than(lo))
        if hi is not None:
            part = part.intersection(Range.at_most(hi) if hi_inc else Range.lower_than(hi))
        return part.intersection(rng) if not part.intersection(rng).is_empty() else Range.singleton(v)

    out = Range.empty()
    for i, v in enumerate(versions):
        if not inside[i]:
            continue
        out = out.union(stretch(v))
        if i + 1 < len(versions) and inside[i + 1]:
            out = out.union(Range.higher_than(v).intersection(Range.lower_than(versions[i + 1])))
    if inside[0]:
        out = out.union(Range.lower_than(versions[0]))
    if inside[-1]:
        out = out.union(Range.higher_than(versions[-1]))
    return out


def _is_pin(rng: Range) -> bool:
    from prong.resolver.priority import _is_exact_pin

    return _is_exact_pin(rng)


def availability_range(complement: Range, versions: Sequence[Version]) -> list[str]:
    """uv's "only ... is available": per stretch of ``complement`` holding available versions,
    its lower bound and the highest version it holds (``<=1.2.3.post1``, ``>=2.0``)."""
    held = [v for v in versions if complement.contains(v)]
    if not held:
        return []
    if len(versions) == 1:
        return [f"=={versions[0]}"]
    intervals = complement.intervals()
    groups: dict[int, list[Version]] = {}
    for v in held:
        index = 0
        for i, (lo, _, _, _) in enumerate(intervals):
            if lo is None or lo <= v:
                index = i
        groups.setdefault(index, []).append(v)
    out: list[str] = []
    for i, group in sorted(groups.items()):
        lo, lo_inc, hi, hi_inc = intervals[i]
        top = group[-1]
        if hi is None:
            out.append(_lower_text(lo, lo_inc) if lo is not None else "")
        elif lo is None:
            out.append(_upper_at(hi, hi_inc, top))
        elif len(group) == 1:
            out.append(f"=={top}")
        else:
            out.append(f"{_lower_text(lo, lo_inc)},{_upper_at(hi, hi_inc, top)[0:]}")
    return out


def _upper_at(hi: Any, hi_inc: bool, top: Version) -> str:
    """``<=top``, spelled as the range's own bound when that bound is ``top`` (``<=0.1``)."""
    from prong.pep440.version import parse_version

    text = _upper_text(hi, hi_inc)
    if text.startswith("<=") and parse_version(text[2:]) == top:
        return text
    return f"<={top}"


# -- wording ---------------------------------------------------------------------------------


def _pred(v: Any) -> str:
    """The version just below a "successor" cut ``X.postN.dev0``: ``X.post(N-1)`` or ``X``."""
    text = _base(v)
    if v.pre is not None:
        text += f"{v.pre[0]}{v.pre[1]}"
    if v.post:
        text += f".post{v.post - 1}"
    return text


def _lower_text(v: Any, inclusive: bool) -> str:
    if inclusive and v.dev == 0 and v.local is None:
        if v.post is not None:
            return f">{_pred(v)}"  # just above X and its local versions
        if v.pre is None:
            return f">={_base(v)}"  # from X's first pre-release: written >=X
    return f">={v}" if inclusive else f">{v}"


def _upper_text(v: Any, inclusive: bool) -> str:
    if not inclusive and v.dev == 0 and v.local is None:
        if v.post is not None:
            return f"<={_pred(v)}"  # X and its local versions
        if v.pre is None:
            return f"<{_base(v)}"  # below X's pre-releases: written <X
    return f"<={v}" if inclusive else f"<{v}"


def _base(v: Any) -> str:
    text = ".".join(str(x) for x in v.release)
    if v.epoch:
        text = f"{v.epoch}!{text}"
    return text


def stretches(rng: Range) -> list[str]:
    """Each stretch of a range as uv writes it after a package name (``>=1.0,<2.0``, ``==1.0``)."""
    single = rng.as_singleton()
    if single is not None:
        return [f"=={single}"]
    out = []
    for lo, lo_inc, hi, hi_inc in rng.intervals():
        if lo is not None and hi is not None:
            if lo == hi:
                out.append(f"=={lo}")
                continue
            if lo_inc and not hi_inc and _upper_text(hi, False) == f"<={lo}":
                out.append(f"=={lo}")  # V and its local versions: ==V
                continue
        parts = []
        if lo is not None:
            parts.append(_lower_text(lo, lo_inc))
        if hi is not None:
            parts.append(_upper_text(hi, hi_inc))
        out.append(",".join(parts))
    return out


class UvFormatter:
    """Turns the tree's pieces into uv's words (pip-compile mode: the root is "you")."""

    def __init__(self, provider: PythonProvider, *, root_label: str = "your") -> None:
        self.provider = provider
        self.root_label = root_label

    # ranges -------------------------------------------------------------------------------

    def _range_text(self, pkg: PubGrubPackage, rng: Range) -> list[str]:
        """The package with each stretch of the range (``a>=1.0,<2.0``), pins as ``a==1.0``."""
        name = str(pkg)
        return [name + text for text in stretches(rng)]

    def _is_full(self, rng: Range) -> bool:
        return rng.is_full()

    def subject(self, pkg: PubGrubPackage, rng: Range) -> tuple[str, bool]:
        """A package term as a sentence's subject, and whether its verb is plural."""
        if isinstance(pkg, Root):
            return "you", True
        if self._is_full(rng):
            return f"all versions of {pkg}", True
        items = self._range_text(pkg, rng)
        if len(items) == 1:
            return items[0], False
        return "all of:" + "".join(f"\n{INDENT}{i}" for i in items) + "\n", True

    def obj(self, pkg: PubGrubPackage, rng: Range) -> str:
        if self._is_full(rng):
            return str(pkg)
        items = self._range_text(pkg, rng)
        if len(items) == 1:
            return items[0]
        return "one of:" + "".join(f"\n{INDENT}{i}" for i in items) + "\n"

    # externals ----------------------------------------------------------------------------

    def python_text(self) -> str:
        env = self.provider.env
        if env.requested_python:
            return f"the requested Python version (>={env.python_version})"
        return f"the current Python version ({env.python_version})"

    def format_external(self, external: Any) -> str:
        from prong.pubgrub import FromDependencyOf, NotRoot, NoVersions, UnavailableVersions

        if isinstance(external, FromDependencyOf):
            return self.depends(external.package, external.versions, external.dependency, external.dependency_versions)
        if isinstance(external, NoVersions):
            return self.no_versions(external.package, external.versions)
        if isinstance(external, UnavailableVersions):
            subject, _ = self.subject(external.package, external.versions)
            return _join(subject, str(external.reason))
        if isinstance(external, NotRoot):
            return f"we are solving dependencies of {external.package} {external.version}"
        raise TypeError(f"not an external incompatibility: {external!r}")

    def format_pair(self, e1: Any, e2: Any) -> str:
        """Two facts joined by "and"; two requirements of the root read "you require A and B".

        As uv orders them: unusable versions first, then missing versions, dependencies, and
        the user's own requirements last."""
        from prong.pubgrub import FromDependencyOf

        if _fact_rank(e2) < _fact_rank(e1):
            e1, e2 = e2, e1

        if (
            isinstance(e1, FromDependencyOf)
            and isinstance(e2, FromDependencyOf)
            and isinstance(e1.package, Root)
            and isinstance(e2.package, Root)
        ):
            return "you require " + _and(
                self.obj(e1.dependency, e1.dependency_versions), self.obj(e2.dependency, e2.dependency_versions)
            )
        return _and(self.format_external(e1), self.format_external(e2))

    def depends(self, pkg: PubGrubPackage, rng: Range, dep: PubGrubPackage, dep_rng: Range) -> str:
        target = self.obj(dep, dep_rng)
        if dep_rng.is_empty():
            parent = pkg.name if isinstance(pkg, (Package, Extra)) else None
            split = self.provider.split_edges.get((parent, dep))
            if split:
                target = " and ".join(self.obj(dep, r) for r in split)
        if isinstance(pkg, Root):
            return _join("you require", target)
        subject, plural = self.subject(pkg, rng)
        return _join(subject, ("depend on " if plural else "depends on ") + target)

    def no_versions(self, pkg: PubGrubPackage, rng: Range) -> str:
        from prong.resolver.priority import _is_exact_pin

        if isinstance(pkg, Python):
            return f"{self.python_text()} does not satisfy {self.obj(pkg, rng)}"
        if isinstance(pkg, Root):
            return "there is no version of the root"
        name = pkg.name  # type: ignore[union-attr]
        unavailable = self.provider.unavailable_packages.get(name)
        if unavailable is not None:
            return f"{pkg} {unavailable}"
        if self._is_full(rng):
            return f"there are no versions of {pkg}"
        if rng.as_singleton() is not None or _is_exact_pin(rng):
            return f"there is no version of {self.obj(pkg, rng)}"
        versions = self.provider.all_versions(name)
        if not versions:
            return f"there are no versions of {self.obj(pkg, rng)}"
        avail = availability_range(rng.complement(), versions)
        if not avail:
            return f"there are no versions of {self.obj(pkg, rng)}"
        items = [f"{pkg}{text}" for text in avail]
        if len(items) == 1:
            return f"only {items[0]} is available"
        return f"only the following versions of {pkg} are available:" + "".join(f"\n{INDENT}{i}" for i in items) + "\n"

    # terms --------------------------------------------------------------------------------

    def format_terms(self, terms: Mapping[Any, Any]) -> str:
        items = list(terms.items())
        if not items:
            return "the requirements are unsatisfiable"
        if len(items) == 1:
            pkg, term = items[0]
            if isinstance(pkg, Root):
                return f"{self.root_label} requirements are unsatisfiable"
            if term.positive:
                subject, _ = self.subject(pkg, term.versions)
                return _join(subject, "cannot be used")
            subject, _ = self.subject(pkg, term.versions)
            return _join(subject, "must be used")
        if len(items) == 2:
            (p1, t1), (p2, t2) = items
            if t1.positive and not t2.positive:
                return self.depends(p1, t1.versions, p2, t2.versions)
            if t2.positive and not t1.positive:
                return self.depends(p2, t2.versions, p1, t1.versions)
        parts = []
        for pkg, term in sorted(items, key=lambda item: str(item[0])):
            if isinstance(pkg, Root):
                parts.append("you")
            elif term.positive:
                parts.append(self.subject(pkg, term.versions)[0])
            else:
                parts.append("not " + self.obj(pkg, term.versions))
        if len(parts) == 2:
            text = f"{parts[0]} and {parts[1]}"
        else:
            text = ", ".join(parts)
        return _join(text, "are incompatible")


def _join(left: str, right: str) -> str:
    """Join two parts of a sentence; after a list (ending in a newline) no space is needed."""
    if left.endswith("\n"):
        return left + right
    return f"{left} {right}"


class UvReport:
    """uv's wording of the numbered report (the walk is ``prong.pubgrub``'s)."""

    def report(self, tree: Any, formatter: UvFormatter) -> str:
        from prong.pubgrub import DefaultReport

        class _Report(DefaultReport):
            def explain_both_external(self, f: Any, e1: Any, e2: Any, terms: Any) -> str:
                return _sentence("Because", f.format_pair(e1, e2), f.format_terms(terms))

            def explain_both_ref(self, f: Any, ref1: int, d1: Any, ref2: int, d2: Any, terms: Any) -> str:
                return _sentence(
                    "Because",
                    _and(_known(f.format_terms(d1.terms), ref1), _known(f.format_terms(d2.terms), ref2)),
                    f.format_terms(terms),
                )

            def explain_ref_and_external(self, f: Any, ref: int, derived: Any, external: Any, terms: Any) -> str:
                return _sentence(
                    "Because",
                    _and(f.format_external(external), _known(f.format_terms(derived.terms), ref)),
                    f.format_terms(terms),
                )

            def and_explain_external(self, f: Any, external: Any, terms: Any) -> str:
                return _sentence("And because", f.format_external(external), f.format_terms(terms))

            def and_explain_ref(self, f: Any, ref: int, derived: Any, terms: Any) -> str:
                return _sentence("And because", _known(f.format_terms(derived.terms), ref), f.format_terms(terms))

            def and_explain_prior_and_external(self, f: Any, prior: Any, external: Any, terms: Any) -> str:
                return _sentence("And because", f.format_pair(prior, external), f.format_terms(terms))

        return _Report().report(tree, formatter)


def _fact_rank(e: Any) -> int:
    from prong.pubgrub import FromDependencyOf, NoVersions, UnavailableVersions

    if isinstance(e, UnavailableVersions):
        return 0
    if isinstance(e, NoVersions):
        return 0 if isinstance(e.package, Python) else 1
    if isinstance(e, FromDependencyOf):
        return 3 if isinstance(e.package, Root) else 2
    return 2


def _empty_requirement(tree: Any, provider: PythonProvider) -> str | None:
    from prong.pubgrub import FromDependencyOf

    if isinstance(tree, FromDependencyOf) and tree.dependency_versions.is_empty():
        parent = tree.package.name if isinstance(tree.package, (Package, Extra)) else None
        text = provider.empty_requirements.get((parent, tree.dependency))
        if text is not None:
            who = "you require" if isinstance(tree.package, Root) else f"{tree.package} depends on"
            return f"{who} {text}, which does not allow any versions"
    return None


def _known(text: str, ref: int) -> str:
    """pubgrub's back-reference: "we know from (N) that ..."."""
    return f"we know from ({ref}) that {text}"


def _and(a: str, b: str) -> str:
    return _join(a, "and " + b) if a.endswith("\n") else f"{a} and {b}"


def _sentence(lead: str, because: str, conclusion: str) -> str:
    sep = "" if because.endswith("\n") else ","
    head = f"{lead} {because}{sep}" if sep else f"{lead} {because}"
    text = _join(head, f"we can conclude that {conclusion}")
    if text.endswith("\n"):
        return text[:-1] + "\n"  # a list ends the sentence: no period, then an empty line
    return text + "."
