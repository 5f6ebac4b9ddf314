"""The names of the validator's rules: a contract with contributors and tools.

Every problem ``make check`` prints ends with one of these names in
parentheses. CONTRIBUTING.md documents each in a table, and a test keeps that
table, this list and the fixtures in step; rename a rule only with all three.
"""

from __future__ import annotations

#: Rule name → what it reports, grouped by the module that checks it.
RULES: dict[str, str] = {
    # file_rules.py
    "file-unreadable": "the file cannot be read, or is not a regular file",
    "file-symlink": "the file is a symbolic link",
    "file-too-large": "a page in docs/ or glossary/ is larger than 200 KB",
    "file-binary": "the file contains a NUL byte (a binary file)",
    "file-encoding": "the file is not valid UTF-8",
    # annotation_rules.py
    "footnote-undefined": "a marker [^label] has no definition",
    "footnote-unreferenced": "an annotation is defined but never marked in the text",
    "footnote-referenced-twice": "an annotation is marked more than once",
    "footnote-defined-twice": "two annotations on a page have the same label",
    "footnote-label": "a label is numeric or does not say what the note is about",
    "annotation-kind": "an annotation does not open with its kind in bold",
    "annotation-uncited": "a Context, Fact check or Since publication note cites no source",
    "annotation-body": "an annotation holds something other than paragraphs",
    "annotation-nested-reference": "an annotation contains a marker of another annotation",
    # bibliography_rules.py
    "citation-unknown-key": "a citation names a key that is not in the bibliography",
    "bib-syntax": "the bibliography cannot be read as BibTeX",
    "bib-missing-field": "an entry lacks title, organization, date, url or urldate",
    "bib-url": "an entry's url is not an absolute https:// or http:// address",
    "bib-date": "an entry's date or urldate is not an ISO date",
    "bib-key": "an entry's key does not follow the scheme sourceYYYYword",
    "bib-duplicate-key": "two entries have the same key",
    "bib-duplicate-field": "an entry has the same field twice",
    "bib-uncited": "an entry is cited nowhere in docs/ or glossary/",
    # unsafe_content_rules.py
    "raw-html": "raw HTML: any HTML block or tag, <script>, <iframe>, <style>, onerror= ...",
    "unsafe-link": "a link or image that is not https://, http://, a page of the edition or an anchor",
    "unsafe-directive": "raw, include, literalinclude, eval-rst, or csv-table with :file:/:url:",
    "unsafe-role": "a role that copies a file into the site ({download})",
    # source_fidelity.py
    "article-text": "a paragraph of the article differs from sources/article.txt",
    "paragraph-number": "a (pN)= target names no paragraph, is repeated, or stands apart from its paragraph",
    "paragraph-order": "the article's paragraphs are out of order",
    "paragraph-missing": "a paragraph of the article is missing",
    "source-pinned": "sources/article.txt does not match its pinned sha256",
    # events.py
    "event-date": "an {event} or a date of sources/article-dates.toml is not an ISO date of the calendar, or lies ahead",
    "event-uncited": "an {event} stands neither in an annotation that cites a source nor in a glossary entry",
    "article-dates": "an entry of sources/article-dates.toml does not quote its ¶ exactly once, or its correction "
    "names no Fact check of that ¶ marking the corrected date",
    # glossary_rules.py
    "term-unknown": "a {term} names no term of the glossary",
    "term-duplicate": "a term is defined in more than one file",
    "term-no-definition": "a term has nothing written under it",
    "glossary-file": "a glossary file defines no term or several",
}
