"""Visible paragraph numbers and stable anchors for the article's paragraphs.

A body paragraph of the article is marked in MyST with a target line
``(pN)=`` just before it. Docutils moves that target's id onto the paragraph;
this transform then puts a visible, self-linking ``¶N`` at the start of the
paragraph. The anchor ``#pN`` is the citable address of the paragraph and does
not depend on annotations or page order.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from edition_tools.ext import extension

logger = logging.getLogger(__name__)

#: Ids of article paragraphs: ``p1`` … ``p14``.
PARAGRAPH_ID = re.compile(r"^p([1-9][0-9]*)$")


def paragraph_number(node: nodes.Element) -> int | None:
    """Return N if ``node`` carries the id ``pN`` of an article paragraph."""
    for node_id in node.get("ids", []):
        match = PARAGRAPH_ID.match(node_id)
        if match:
            return int(match.group(1))
    return None


class NumberParagraphs(SphinxTransform):
    """Prefix each article paragraph with a ``¶N`` link to itself."""

    # After docutils' PropagateTargets (260) has moved ids onto paragraphs.
    default_priority = 700

    def apply(self, **kwargs: object) -> None:
        for node in list(self.document.findall(nodes.Element)):
            number = paragraph_number(node)
            if number is None:
                continue
            if not isinstance(node, nodes.paragraph):
                logger.warning(
                    "paragraph target (p%d)= must stand directly before a "
                    "paragraph of the article, not before a %s",
                    number,
                    node.tagname,
                    location=node,
                    type="edition",
                    subtype="paragraph",
                )
                continue
            marker = nodes.reference(
                "", f"¶{number}", refid=f"p{number}", classes=["para-num"]
            )
            marker["reftitle"] = f"Paragraph {number}"
            node.insert(0, nodes.Text(" "))
            node.insert(0, marker)
            node["classes"].append("article-paragraph")


@extension
def setup(app: Sphinx) -> None:
    """Register the transform."""
    app.add_transform(NumberParagraphs)
