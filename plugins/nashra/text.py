"""Text of articles: typography for the languages that want it, and isolation of
runs in the other script.

In Arabic text, Latin words (IFLA, INELI-MENA, IDEAs NGO, web addresses) are
wrapped in ``<span lang="en" dir="ltr">``; in English text, Arabic words in
``<span lang="ar" dir="rtl">``. The ``dir`` attribute makes the browser isolate
the run, so neighbouring punctuation and numbers stay on the right side, and
``lang`` tells screen readers and hyphenation which language they are in.
"""

import re
from functools import partial
from html import escape
from html.parser import HTMLParser

import nh3
from markupsafe import Markup

ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# A run of Latin words joined by spaces or inner punctuation, ending in a letter
# or digit: "IFLA", "INELI-MENA-EGYPT", "IDEAs NGO", "https://www.ifla.org/x".
LATIN_RUN = re.compile(
    r"[A-Za-z](?:[A-Za-z0-9]|[-'’.&/:@_#?=+%]+(?=[A-Za-z0-9])|\s+(?=[A-Za-z]))*"
)
ARABIC_RUN = re.compile(rf"[{ARABIC}](?:[{ARABIC}]|\s+(?=[{ARABIC}]))*")
# The run to isolate, and how to label it, by the language of the text around it.
OTHER_SCRIPT = {
    "ar": (LATIN_RUN, "en", "ltr"),
    "en": (ARABIC_RUN, "ar", "rtl"),
}
# Elements whose text is code or already labelled, and so left alone.
VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "math", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


def isolate_other_script(html, lang):
    """Wrap runs of the other script in `html` (text of language `lang`), and drop
    HTML comments: in an article they are notes for editors, not for readers."""
    if not html:
        return html
    if lang not in OTHER_SCRIPT:
        return _TextRewriter(lambda text: text).rewrite(html)
    pattern, other_lang, direction = OTHER_SCRIPT[lang]
    if "<!--" not in html and not pattern.search(html):
        # Nothing to wrap (the other script appears nowhere, not even in a
        # tag) and no comment to drop: re-emitting well-formed HTML, as the
        # sanitiser writes it, would give it back unchanged.
        return html

    def wrap(text):
        return pattern.sub(
            lambda m: f'<span lang="{other_lang}" dir="{direction}">{m.group(0)}</span>', text
        )

    return _TextRewriter(wrap).rewrite(html)


def plain_text_to_html(text, lang):
    """Escape metadata text (a title) and isolate its other-script runs."""
    return Markup(isolate_other_script(escape(text, quote=False), lang))


class _TextRewriter(HTMLParser):
    """Re-emits HTML unchanged except for comments, which it drops, and text outside
    verbatim or labelled elements, which goes through `transform`."""

    def __init__(self, transform):
        super().__init__(convert_charrefs=False)
        self.transform = transform
        self.out = []
        self.skipping = []  # open elements whose text is left alone

    def rewrite(self, html):
        self.feed(html)
        self.close()
        return "".join(self.out)

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        labelled = any(name in ("lang", "dir") for name, _ in attrs)
        if tag not in VOID and (tag in VERBATIM or labelled or self.skipping):
            self.skipping.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(data if self.skipping else self.transform(data))

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


class Typographer:
    """typogrify, configured from Pelican's TYPOGRIFY_* settings, applied only to
    the languages in TYPOGRIFY_LANGUAGES.

    It runs typogrify's own filters in typogrify's order, on the parts of the
    text typogrify would process, with one saving: amp, smartypants and caps
    run only on the blocks of a text that hold something they change (most
    blocks have no ampersand, quote, dash or run of capitals). The output is
    typogrify's to the byte (tests/test_units.py compares)."""

    FILTERS = ("amp", "smartypants", "caps", "initial_quotes", "widont")

    def __init__(self, settings):
        self.languages = frozenset(settings["TYPOGRIFY_LANGUAGES"])
        self.ignore_tags = settings.get("TYPOGRIFY_IGNORE_TAGS", [])
        omitted = set(settings.get("TYPOGRIFY_OMIT_FILTERS", []))
        if self.languages:
            import smartypants  # noqa: PLC0415 - only needed when typogrify is on
            from typogrify import filters  # noqa: PLC0415

            dashes = settings.get("TYPOGRIFY_DASHES", "default")
            smartypants.Attr.default = {
                "oldschool": smartypants.Attr.set2,
                "oldschool_inverted": smartypants.Attr.set3,
            }.get(dashes, smartypants.Attr.set1) | smartypants.Attr.w
            self.process_ignores = filters.process_ignores
            self.skipped_tag = re.compile(r"<(/)?(%s)[^>]*>" % "|".join(smartypants.tags_to_skip),
                                          re.IGNORECASE)
            chosen = {name: getattr(filters, name) for name in self.FILTERS}
            chosen["smartypants"] = smartypants.smartypants
            # typogrify's order puts the three filters run block by block first.
            self.block_filters = [(chosen[name], FILTER_CHANGES[name]) for name in self.FILTERS
                                  if name in FILTER_CHANGES and name not in omitted]
            if "widont" not in omitted:
                chosen["widont"] = partial(widont_near_block_ends, filters.widont)
            self.text_filters = [chosen[name] for name in self.FILTERS
                                 if name not in FILTER_CHANGES and name not in omitted]

    def __call__(self, html, lang):
        if lang not in self.languages or not html:
            return html
        return "".join(self._filter(part) if process else part
                       for part, process in self.process_ignores(html, self.ignore_tags))

    def _filter(self, text):
        text = "".join(map(self._filter_block, self._blocks(text)))
        for apply in self.text_filters:
            text = apply(text)
        return text

    def _filter_block(self, block):
        """The block filters, each only if the block holds what it changes.
        (The spans amp adds hold no line break, so the blocks stay blocks.)"""
        for apply, changes in self.block_filters:
            if changes.search(block):
                block = apply(block)
        return block

    def _blocks(self, text):
        """`text` cut where a line ends with a tag and the next line starts with
        one, outside the elements whose text smartypants leaves alone: there,
        smartypants carries nothing from one block to the next (what it
        remembers is whether such an element is open, and whether the text
        before a lone quote ended in a space; a line break is one)."""
        lines = text.splitlines(keepends=True)
        blocks, current, open_skipped = [], [], []
        for number, line in enumerate(lines):
            current.append(line)
            for closing, name in self.skipped_tag.findall(line):
                if not closing:
                    open_skipped.append(name.lower())
                elif open_skipped and open_skipped[-1] == name.lower():
                    open_skipped.pop()
            following = lines[number + 1] if number + 1 < len(lines) else ""
            if not open_skipped and line.endswith(">\n") and following.startswith("<"):
                blocks.append("".join(current))
                current = []
        return [*blocks, "".join(current)]


# What each of these filters can change, from its own patterns: a text without
# any comes out as it went in. amp wraps ampersands; smartypants changes
# quotes, backticks, dashes, ellipses, backslash escapes and &quot;; caps wraps
# words with two capitals (digits between them allowed) and dotted initials.
FILTER_CHANGES = {
    "amp": re.compile("&"),
    "smartypants": re.compile(r"""['"`\\]|--|\.\.\.|\. \. \.|&quot;"""),
    "caps": re.compile(r"[A-Z]\d*[A-Z]|[A-Z]\.\s?[A-Z]"),
}


# Where widont's matches end: a closing p, h1-h6, li, dt or dd (or the end of
# the text). What it matches before one holds no other such tag.
WIDONT_END = re.compile(r"</(?:p|h[1-6]|li|dt|dd)>")
# How much of the end of a block widont usually needs: the last two words and
# the closing tags after them (a longer end only costs a second try).
WIDONT_WINDOW = 40


def widont_near_block_ends(widont, text):
    """typogrify's widont, run only on the end of each block it may change.

    Its expression joins the last two words before a block's end, but is tried
    at every character of the text: half the time of typesetting an article.
    Each of its matches lies within one block and ends at that block's end, so
    it runs on each block alone, and first on the block's last characters. A
    match found there is the one it would find in the whole block: the match
    must start at the character or inline tag just before the last space, and
    a tag cut off by the window cannot match, so it finds nothing and
    widont runs on the whole block."""
    pieces, start = [], 0
    for end in [match.end() for match in WIDONT_END.finditer(text)] + [len(text)]:
        window = max(start, end - WIDONT_WINDOW)
        tail = widont(text[window:end]) if window > start else None
        # widont always changes what it matches (a space becomes &nbsp;).
        if tail is not None and tail != text[window:end]:
            pieces += [text[start:window], tail]
        else:
            pieces.append(widont(text[start:end]))
        start = end
    return "".join(pieces)


# What an article's HTML may contain: what Markdown and its extensions write
# (tables, footnotes, highlighted code), figures, and language and direction on
# any element. Everything else is removed; the text of an unknown element is kept.
ALLOWED_TAGS = frozenset(
    "a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl "
    "dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp "
    "small span strong sub summary sup table tbody td tfoot th thead time tr u ul wbr".split())
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir", "title", "id", "class"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def sanitise(html):
    """Article HTML reduced to what articles need; scripts and styles go with
    their content, javascript: links lose their address."""
    if not html:
        return html
    return nh3.clean(html, tags=set(ALLOWED_TAGS), clean_content_tags={"script", "style"},
                     attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(ALLOWED_SCHEMES), link_rel=None, strip_comments=True)
