"""prong.pep517: builds through a project's PEP 517 backend (``hooks``: isolated environments and
the hook calls) and ``dispatch``, which fills build environments and builds metadata and wheels
with prong's own resolver and installer.

Not named ``prong.build``: that name is the ``prong.build()`` function of the library API."""
