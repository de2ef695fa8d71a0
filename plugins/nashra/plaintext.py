"""A Python-Markdown extension that lets plain text skip the inline patterns.

Python-Markdown tries each of its inline patterns (emphasis, links, code,
HTML, entities...) on every run of text, one regular-expression search after
another: a third of converting an article, although most of its paragraphs
are plain prose. No pattern can match a text that holds none of the characters
every match of it must contain (a ``[`` for links, an ``&`` for entities...),
so such a text is marked atomic just before the inline processor runs, which
leaves atomic text alone, and unmarked right after it: the tree that the later
processors (abbreviations, attribute lists, the table of contents) see, and so
the HTML, is exactly what Python-Markdown alone makes (tests/test_units.py
compares).

It steps aside, converting as Python-Markdown alone does, whenever it cannot
be sure: when an extension registered an inline pattern it does not know (by
name, or not Python-Markdown's own), or a tree processor between its two halves.
"""

import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# For each inline pattern of Python-Markdown 3.11 and its bundled extensions (by
# the name it is registered under), read off its regular expression: text that
# any match of it must contain.
INLINE_TRIGGERS = {
    "backtick": r"[`\\]",
    "escape": r"\\",
    "footnote": r"\[",
    "reference": r"\[",
    "link": r"\[",
    "image_link": r"!\[",
    "image_reference": r"!\[",
    "short_reference": r"\[",
    "short_image_ref": r"!\[",
    "autolink": "<",
    "automail": "<",
    "linebreak": "  \n",
    "html": "<",
    "entity": "&",
    "em_strong": r"[*_]",
    "nl": "\n",  # nl2br
}
INLINE = "inline"
MARK, UNMARK = "nashra-plaintext-mark", "nashra-plaintext-unmark"


class PlainTextShortcut(Extension):
    def extendMarkdown(self, md):
        marked = []
        # The inline processor's priority is 20: one half just before, one after.
        md.treeprocessors.register(_Mark(md, marked), MARK, 20.01)
        md.treeprocessors.register(_Unmark(md, marked), UNMARK, 19.99)


class _Mark(Treeprocessor):
    def __init__(self, md, marked):
        super().__init__(md)
        self.marked = marked
        self.skipped = 0  # texts that skipped the inline patterns in the last run
        self._triggers = {}  # registered patterns -> their compiled triggers, or None

    def run(self, root):
        self.marked.clear()
        self.skipped = 0
        triggers = self._triggers_now()
        if triggers is None:
            return
        for element in root.iter():
            if _plain(element.text, triggers):
                element.text = AtomicString(element.text)
                self.marked.append((element, "text"))
            if element is not root and _plain(element.tail, triggers):
                element.tail = AtomicString(element.tail)
                self.marked.append((element, "tail"))
        self.skipped = len(self.marked)

    def _triggers_now(self):
        """The triggers of the registered inline patterns, or None if one of them,
        or the order of the tree processors, is not what this extension knows."""
        patterns = self.md.inlinePatterns
        known = tuple(name for name in INLINE_TRIGGERS if name in patterns
                      and _from_markdown(patterns[name]))
        key = (known, len(patterns))
        if key not in self._triggers:
            every_one_known = len(known) == len(patterns)
            self._triggers[key] = _compile(known) if every_one_known and self._in_order() else None
        return self._triggers[key]

    def _in_order(self):
        processors = self.md.treeprocessors
        inline = processors.get_index_for_name(INLINE) if INLINE in processors else -1
        return (processors.get_index_for_name(MARK) + 1 == inline
                and processors.get_index_for_name(UNMARK) == inline + 1)


class _Unmark(Treeprocessor):
    def __init__(self, md, marked):
        super().__init__(md)
        self.marked = marked

    def run(self, root):
        for element, attribute in self.marked:
            text = getattr(element, attribute)
            if isinstance(text, AtomicString):
                setattr(element, attribute, str(text))
        self.marked.clear()


def _from_markdown(pattern):
    """Whether `pattern` is one of Python-Markdown's own: another extension may
    register a pattern of its own under one of their names."""
    return type(pattern).__module__.split(".")[0] == "markdown"


def _compile(names):
    alternatives = dict.fromkeys(INLINE_TRIGGERS[name] for name in names)
    return re.compile("|".join(alternatives))


def _plain(text, triggers):
    # type() and not isinstance(): text already atomic is not this extension's.
    return bool(text) and type(text) is str and not triggers.search(text)
