"""What every role reads: the pinned article, MyST pages, conventions, problems.

Nothing here imports Sphinx at module level or any other package of the
edition, so the validator starts fast and every role agrees on one reading.
"""
