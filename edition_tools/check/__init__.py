"""The validator: ``python -m edition_tools.check [PATH ...]`` (``make check``).

Each rule is registered where it is written (``registry.rule``); ``run.py``
reads the files once and runs the rules, printing ``path:line: message (rule)``.
"""
