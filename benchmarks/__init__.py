"""Benchmarks of prong against its peers (uv, pip-tools, pdm, poetry): `python -m benchmarks run`."""
