"""prong.sources: where distributions come from and what they say without a build: the
resolver's index over the registry client (``index``), sdist archives (``sdist``: safe unpacking,
static metadata), and the project's own sources (paths, URLs, git)."""
