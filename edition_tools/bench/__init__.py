"""``make bench``: the edition's costs measured side by side with yardsticks.

``benchmark`` runs the build-side cases, ``reader`` the Lighthouse audits,
``projects`` writes the projects they build, ``process_cost`` measures a
process, and ``site_server`` serves a built site on loopback (the browser
tests use it too).
"""
