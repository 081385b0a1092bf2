"""Derivation trees and their English: the formatter's phrases and the report's structure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prong.pubgrub import (
    DefaultFormatter,
    DefaultReport,
    Derived,
    DerivedFrom,
    External,
    FromDependencyOf,
    Incompatibility,
    NotRoot,
    NoVersions,
    Term,
    UnavailableVersions,
    collapse_no_versions,
    derivation_tree,
)
from tests.unit.pubgrub.intset import IntSet

I = IntSet
F = DefaultFormatter(root="root", package_versions=lambda p, vs: f"{p}{vs}")


def pos(s: IntSet) -> Term[IntSet]:
    return Term(True, s)


def neg(s: IntSet) -> Term[IntSet]:
    return Term(False, s)


def test_terms() -> None:
    one, two = I.singleton(1), I.higher_than(2)
    assert F.format_terms({}) == "version solving failed"
    assert F.format_terms({"root": pos(I.singleton(0))}) == "version solving failed"
    assert F.format_terms({"foo": pos(I.full())}) == "all versions of foo cannot be used"
    assert F.format_terms({"foo": pos(one)}) == "foo==1 cannot be used"
    assert F.format_terms({"foo": neg(two)}) == "foo>=2 is required"
    assert F.format_terms({"foo": neg(I.full())}) == "foo is required"
    assert F.format_terms({"foo": pos(one), "bar": neg(two)}) == "foo==1 depends on bar>=2"
    assert F.format_terms({"bar": neg(two), "foo": pos(I.full())}) == "all versions of foo depend on bar>=2"
    assert F.format_terms({"root": pos(I.singleton(0)), "foo": neg(two)}) == "root depends on foo>=2"
    assert F.format_terms({"foo": pos(one), "bar": pos(I.singleton(2))}) == "foo==1 and bar==2 are incompatible"
    assert (
        F.format_terms({"foo": pos(one), "bar": pos(two), "baz": neg(I.lower_than(3))})
        == "foo==1, bar>=2 and not baz<3 are incompatible"
    )


def test_externals() -> None:
    assert F.format_external(NoVersions("foo", I.full())) == "there are no versions of foo"
    assert F.format_external(NoVersions("foo", I.higher_than(3))) == "there are no versions of foo>=3"
    assert (
        F.format_external(UnavailableVersions("foo", I.full(), "the index is offline"))
        == "all versions of foo are unavailable because the index is offline"
    )
    assert F.format_external(UnavailableVersions("foo", I.singleton(1), None)) == "foo==1 is unavailable"
    assert F.format_external(NotRoot("root", 0)) == "we are solving dependencies of root 0"
    assert F.format_external(FromDependencyOf("foo", I.singleton(1), "bar", I.full())) == "foo==1 depends on bar"
    assert F.format_external(FromDependencyOf("root", I.singleton(0), "bar", I.singleton(1))) == "root depends on bar==1"


def test_formatter_callbacks() -> None:
    f = DefaultFormatter(
        package=str.upper,
        reason=lambda r: f"{r[0]} said {r[1]!r}",
        failure="your requirements are unsatisfiable",
    )
    assert f.format_external(FromDependencyOf("foo", I.singleton(1), "bar", I.full())) == "FOO ==1 depends on BAR"
    assert (
        f.format_external(UnavailableVersions("foo", I.singleton(1), ("the index", "gone")))
        == "FOO ==1 is unavailable because the index said 'gone'"
    )
    assert f.format_terms({}) == "your requirements are unsatisfiable"


def _ext(name: str) -> NoVersions[str, IntSet]:
    return NoVersions(name, I.full())


def test_shared_facts_are_numbered_and_referred_to() -> None:
    s1 = Derived({"a": pos(I.full())}, 1, _ext("x"), _ext("y"))
    s2 = Derived({"b": pos(I.full())}, 2, _ext("z"), _ext("w"))
    x = Derived({"c": pos(I.full())}, None, s1, s2)
    y = Derived({"d": pos(I.full())}, None, s1, s2)
    tree = Derived({}, None, x, y)
    assert DefaultReport().report(tree, F) == (
        "Because there are no versions of x and there are no versions of y, "
        "we can conclude that all versions of a cannot be used. (1)\n"
        "\n"
        "Because there are no versions of z and there are no versions of w, "
        "we can conclude that all versions of b cannot be used. (2)\n"
        "And because we know from (1) that all versions of a cannot be used, "
        "we can conclude that all versions of c cannot be used. (3)\n"
        "\n"
        "Because we know from (1) that all versions of a cannot be used and we know from (2) that "
        "all versions of b cannot be used, we can conclude that all versions of d cannot be used.\n"
        "And because we know from (3) that all versions of c cannot be used, "
        "we can conclude that version solving failed."
    )


def test_a_numbered_fact_with_an_external_one() -> None:
    s1 = Derived({"a": pos(I.full())}, 1, _ext("x"), _ext("y"))
    x = Derived({"c": pos(I.full())}, None, s1, _ext("z"))
    tree = Derived({}, None, Derived({"d": pos(I.full())}, None, s1, _ext("w")), x)
    assert DefaultReport().report(tree, F) == (
        "Because there are no versions of x and there are no versions of y, "
        "we can conclude that all versions of a cannot be used. (1)\n"
        "And because there are no versions of w, we can conclude that all versions of d cannot be used. (2)\n"
        "\n"
        "Because there are no versions of z and we know from (1) that all versions of a cannot be used, "
        "we can conclude that all versions of c cannot be used.\n"
        "And because we know from (2) that all versions of d cannot be used, "
        "we can conclude that version solving failed."
    )


def test_derivation_tree_marks_shared_incompatibilities() -> None:
    e1 = Incompatibility.no_versions("a", pos(I.full()))
    e2 = Incompatibility.from_dependency("b", I.singleton(1), "a", I.full())
    e3 = Incompatibility.from_dependency("root", I.singleton(0), "b", I.full())
    d1 = Incompatibility({"b": pos(I.singleton(1))}, DerivedFrom(e2, e1))
    d2 = Incompatibility({"root": pos(I.singleton(0)), "b": pos(I.singleton(1))}, DerivedFrom(d1, e3))
    top = Incompatibility({"root": pos(I.singleton(0))}, DerivedFrom(d2, d1))
    tree = derivation_tree(top)
    assert isinstance(tree, Derived) and tree.shared_id is None
    assert isinstance(tree.cause1, Derived) and tree.cause1.shared_id is None
    assert isinstance(tree.cause2, Derived) and tree.cause2.shared_id == d1.id
    assert tree.cause1.cause1 == tree.cause2
    assert tree.cause2.cause1 == e2.cause and tree.cause2.cause2 == e1.cause
    assert tree.terms == {"root": pos(I.singleton(0))}


def test_collapse_no_versions() -> None:
    dep = FromDependencyOf("foo", I.singleton(2), "bar", I.singleton(1))
    missing_foo = NoVersions("foo", I.higher_than(3))
    node = Derived({"foo": pos(I.higher_than(2)), "bar": neg(I.singleton(1))}, None, missing_foo, dep)
    # The depender's missing versions join the dependency fact.
    assert collapse_no_versions(node) == FromDependencyOf("foo", I.higher_than(2), "bar", I.singleton(1))
    # Missing versions of the dependency are the reason, and stay.
    missing_bar = NoVersions("bar", I.singleton(1))
    node2 = Derived({"foo": pos(I.singleton(2))}, None, dep, missing_bar)
    assert collapse_no_versions(node2) == node2
    # Next to a derived fact, a NoVersions leaf is dropped with its node.
    inner = Derived({"foo": pos(I.singleton(2))}, None, dep, missing_bar)
    outer = Derived({"foo": pos(I.full())}, 7, NoVersions("foo", I.singleton(2).complement()), inner)
    assert collapse_no_versions(outer) == inner
    unavailable = UnavailableVersions("foo", I.singleton(2), "broken")
    kept = Derived({"foo": pos(I.full())}, None, NoVersions("foo", I.singleton(2).complement()), unavailable)
    assert collapse_no_versions(kept) == kept


class Brackets:
    """A formatter of the ReportFormatter Protocol that only marks the pieces."""

    def format_external(self, external: External) -> str:
        return f"<{type(external).__name__}>"

    def format_terms(self, terms: Mapping[Any, Term[Any]]) -> str:
        return "{" + ",".join(terms) + "}"


class Terse(DefaultReport):
    def and_explain_external(self, f: Any, external: External, terms: Mapping[Any, Any]) -> str:
        return f"+ {f.format_external(external)} => {f.format_terms(terms)}"


def test_custom_formatter_and_wording() -> None:
    chain = Derived({"b": pos(I.full())}, None, Derived({"a": pos(I.full())}, None, _ext("x"), _ext("y")), _ext("z"))
    tree = Derived({}, None, chain, UnavailableVersions("c", I.full(), "r"))
    assert DefaultReport().report(tree, Brackets()) == (
        "Because <NoVersions> and <NoVersions>, we can conclude that {a}.\n"
        "And because <NoVersions> and <UnavailableVersions>, we can conclude that {}."
    )
    # A node whose derived cause has two external causes is told in two sentences.
    two = Derived({}, None, Derived({"a": pos(I.full())}, None, _ext("x"), _ext("y")), _ext("z"))
    assert Terse().report(two, Brackets()) == (
        "Because <NoVersions> and <NoVersions>, we can conclude that {a}.\n+ <NoVersions> => {}"
    )
    assert DefaultReport().report(_ext("x"), Brackets()) == "Because <NoVersions>, we can conclude that {}."
