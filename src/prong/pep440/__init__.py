"""PEP 440: versions (``version``), specifier sets (``specifiers``) and version sets for the
resolver (``ranges``). Import the submodules; this package imports nothing at start-up."""
