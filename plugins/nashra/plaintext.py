"""A Python-Markdown extension that lets plain text skip what cannot apply to it.

Inline patterns. Python-Markdown tries each of its inline patterns (emphasis,
links, code, HTML, entities...) on every run of text, one regular-expression
search after another: a third of converting an article, although most of its
paragraphs are plain prose. No pattern can match a text that holds none of the
characters every match of it must contain (a ``[`` for links, an ``&`` for
entities...), so such a text is marked atomic just before the inline processor
runs, which leaves atomic text alone, and unmarked right after it: the tree
that the later processors (abbreviations, attribute lists, the table of
contents) see, and so the HTML, is exactly what Python-Markdown alone makes.

Block processors. Before a block becomes a paragraph, each block processor
(headings, lists, quotes, tables, definitions, references, footnotes...) tests
it, most with a regular expression over the whole block: a quarter of
Markdown's time. Every one of them needs a block that starts with a newline or
a space, or a line that starts with one of ``#=-_*+:>[`` or a digit, or a
``|`` or stashed HTML somewhere: a block with none of these goes straight to
the paragraph processor, which makes of it what it would have made after all
the tests failed.

Both halves step aside, converting as Python-Markdown alone does, whenever they
cannot be sure: when an extension registered an inline pattern they do not
know (by name, or not Python-Markdown's own) or a block processor of a class
they do not know, or a tree
processor between the inline shortcut's two halves. tests/test_units.py
compares the HTML with Python-Markdown's across sets of extensions.
"""

import re

from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
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
# The block processors of Python-Markdown 3.11 and its bundled extensions whose
# tests and runs were read for NOT_PLAIN, by class; the last makes paragraphs.
BLOCK_PROCESSORS = frozenset({
    "markdown.extensions.md_in_html.MarkdownInHtmlProcessor",
    "markdown.blockprocessors.EmptyBlockProcessor",
    "markdown.blockprocessors.ListIndentProcessor",
    "markdown.extensions.def_list.DefListIndentProcessor",
    "markdown.blockprocessors.CodeBlockProcessor",
    "markdown.extensions.tables.TableProcessor",
    "markdown.blockprocessors.HashHeaderProcessor",
    "markdown.blockprocessors.SetextHeaderProcessor",
    "markdown.blockprocessors.HRProcessor",
    "markdown.blockprocessors.OListProcessor",
    "markdown.blockprocessors.UListProcessor",
    "markdown.extensions.def_list.DefListProcessor",
    "markdown.blockprocessors.BlockQuoteProcessor",
    "markdown.extensions.footnotes.FootnoteBlockProcessor",
    "markdown.extensions.abbr.AbbrBlockprocessor",
    "markdown.blockprocessors.ReferenceProcessor",
    "markdown.blockprocessors.ParagraphProcessor",
})
PARAGRAPH = "paragraph"
# What some block processor above needs: a block that starts with a newline (an
# empty block) or with spaces (code, list items), a line that starts with a
# heading's #, a setext underline, a rule, a list marker or number (any
# digit, as \d reads it), a definition's colon, a quote's >, a reference's,
# footnote's or abbreviation's [ (or *[); a table's |; stashed HTML's STX.
NOT_PLAIN = re.compile(r"(?:^|\n)[\s#=\-_*+:>\[\d]|[|\x02]")
BLOCKS, CHECK_BLOCKS = "nashra-plaintext-blocks", "nashra-plaintext-check-blocks"


class PlainTextShortcut(Extension):
    def extendMarkdown(self, md):
        marked = []
        # The inline processor's priority is 20: one half just before, one after.
        md.treeprocessors.register(_Mark(md, marked), MARK, 20.01)
        md.treeprocessors.register(_Unmark(md, marked), UNMARK, 19.99)
        # Above every block processor; the check runs once per text, before any.
        blocks = _PlainParagraphs(md.parser)
        md.parser.blockprocessors.register(blocks, BLOCKS, 1000)
        md.preprocessors.register(_CheckBlocks(md, blocks), CHECK_BLOCKS, 0)


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


class _CheckBlocks(Preprocessor):
    """Turns the block shortcut on for a text only if every block processor is
    one it knows."""

    def __init__(self, md, blocks):
        super().__init__(md)
        self.blocks = blocks

    def run(self, lines):
        processors = self.md.parser.blockprocessors
        known = (PARAGRAPH in processors
                 and _qualified(processors[PARAGRAPH]) == "markdown.blockprocessors.ParagraphProcessor"
                 and all(_qualified(processor) in BLOCK_PROCESSORS
                         for processor in processors if processor is not self.blocks))
        self.blocks.paragraph = processors[PARAGRAPH] if known else None
        return lines


class _PlainParagraphs(BlockProcessor):
    """Hands a plain block to the paragraph processor at once."""

    def __init__(self, parser):
        super().__init__(parser)
        self.paragraph = None  # set for each text by _CheckBlocks
        self.taken = 0  # blocks handed over, ever

    def test(self, parent, block):
        return self.paragraph is not None and bool(block) and not NOT_PLAIN.search(block)

    def run(self, parent, blocks):
        self.taken += 1
        return self.paragraph.run(parent, blocks)


def _qualified(processor):
    return f"{type(processor).__module__}.{type(processor).__qualname__}"
