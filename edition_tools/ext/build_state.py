"""Cross-document state on the build environment, kept right across builds.

The glossary's "Appears in" lists and the citation index gather facts from
every page. Each keeps them in a state object stored on the environment,
which must forget what a changed page contributed (``env-purge-doc``), take
over what parallel readers gathered (``env-merge-info``) and know which pages
this build reads, so that pages depending on them are written again.
:func:`connect_state` wires those events once for any such state, and keeps
what each re-read page contributed before, so that :func:`altered_pages`
tells which pages really changed what the state holds: editing the wording of
an annotation then rewrites no glossary page.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import Protocol, TypeVar

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


class PageState(Protocol):
    """What a state object offers: the pages changed in this build, purge, merge."""

    changed: set[str]
    #: What each page read in this build contributed before it was re-read.
    previous: dict[str, object]

    def contribution(self, docname: str) -> object:
        """What ``docname`` contributes to the state, comparable with ``==``."""
        ...

    def purge(self, docname: str) -> None: ...

    def merge(self, docnames: Set[str], other: PageState) -> None: ...


State = TypeVar("State", bound=PageState)


def state_accessor(attribute: str, factory: Callable[[], State]) -> Callable[[BuildEnvironment], State]:
    """Return a function giving the state stored on an environment as ``attribute``."""

    def state_of(env: BuildEnvironment) -> State:
        if not hasattr(env, attribute):
            setattr(env, attribute, factory())
        return getattr(env, attribute)

    return state_of


def connect_state(app: Sphinx, state_of: Callable[[BuildEnvironment], PageState]) -> None:
    """Keep the state given by ``state_of`` right across incremental and parallel builds."""

    def reset_changed(app: Sphinx) -> None:
        state = state_of(app.env)
        state.changed, state.previous = set(), {}

    def note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        state_of(env).changed.update(docnames)

    def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        state = state_of(env)
        state.previous.setdefault(docname, state.contribution(docname))
        state.purge(docname)
        state.changed.add(docname)

    def merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
        state_of(env).merge(docnames, state_of(other))

    app.connect("builder-inited", reset_changed)
    app.connect("env-before-read-docs", note_read)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)


def altered_pages(state: PageState) -> set[str]:
    """The pages read or removed in this build whose contribution changed."""
    return {
        docname for docname in state.changed
        if state.previous.get(docname) != state.contribution(docname)
    }
