"""Conformance runs: the packse scenario suite against prong, uv beside it."""
