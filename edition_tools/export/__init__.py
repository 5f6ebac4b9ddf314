"""The annotations as W3C Web Annotations: ``python -m edition_tools.export``."""
