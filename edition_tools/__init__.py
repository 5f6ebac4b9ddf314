"""The edition's own machinery, one sub-package per role.

- ``core``: what every role reads: the pinned article (``article``), the one
  reading of a MyST page (``pages``), the edition's conventions
  (``conventions``), the fidelity comparison and the ``Problem`` record.
- ``ext``: everything Sphinx loads (``conf.py`` lists each extension).
- ``check``: the validator, ``python -m edition_tools.check`` (``make check``).
- ``export``: the W3C Web Annotation export (``make annotations``).
- ``bench``: the benchmark (``make bench``) and the loopback server it and the
  browser tests use.

Imports run one way: ``core`` imports no other package of the edition; the
role packages import ``core`` and never one another, except that ``export``
uses the bibliography style of ``ext`` and ``bench`` builds with ``ext``.
docs/maintainers/architecture.md draws the map.
"""
