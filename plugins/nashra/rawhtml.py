"""Raw HTML in an article's Markdown, found before Pelican reads it, so that the
check can name the line.

Code is not HTML: fenced code blocks, indented code blocks and `code spans` are
blanked out first (keeping the line numbers), then the rest goes through an
HTML parser. What would run script or load another site's page or image is
always an error, so that the sanitiser (or the browser) never has to drop
anything an editor meant to publish; under SAFE_RAW_HTML = "refuse", any raw
HTML is.
"""

import re
from html.parser import HTMLParser

# Elements that run code, load another page, or take input: never published.
FORBIDDEN = {
    "script": "write the text, or link to the page that has the script",
    "iframe": "link to the page instead of embedding it",
    "frame": "link to the page instead of embedding it",
    "object": "link to the file instead of embedding it",
    "embed": "link to the file instead of embedding it",
    "applet": "remove it",
    "style": "remove it: the theme styles every article",
    "link": "remove it",
    "meta": "remove it",
    "base": "remove it",
    "form": "remove it: a static site cannot receive forms",
    "input": "remove it",
    "button": "remove it",
    "textarea": "remove it",
    "select": "remove it",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
MARKDOWN_SCRIPT_LINK = re.compile(r"\]\(\s*<?\s*(javascript|vbscript|data):", re.IGNORECASE)
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?((?:https?:)?//[^)\s>]+)")
REMOTE_IMAGE_FIX = "save it under content/images/ and write {static}/images/<file>"
MARKDOWN_IMAGE_ALT = re.compile(r"!\[\s*\]\(")
NO_ALT = "an image has no alternative text"
NO_ALT_FIX = "describe it for readers who cannot see it, in ![...] or alt=\"...\""
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def blank_code(lines):
    """The lines with Markdown code replaced by spaces."""
    blanked, fence, previous, in_list = [], None, "", False
    for line in lines:
        opening = FENCE.match(line)
        if fence:
            blanked.append("")
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            blanked.append("")
            continue
        if LIST_ITEM.match(line):
            in_list = True
        elif line.strip() and not line.startswith((" ", "\t")):
            in_list = False
        indented = line.startswith(("    ", "\t")) and line.strip()
        if indented and not in_list and not previous.strip():
            blanked.append("")  # an indented code block (list items are indented too)
            previous = ""
            continue
        blanked.append(CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line))
        previous = line
    return blanked


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []  # (line, tag, attrs)

    def handle_starttag(self, tag, attrs):
        self.found.append((self.getpos()[0], tag, attrs))

    handle_startendtag = handle_starttag


def findings(lines, first_line, policy):
    """(line, what, fix) for each unacceptable piece of raw HTML in `lines`,
    numbered from `first_line`; and images from other sites, which the pages'
    Content-Security-Policy would not load."""
    if not any("<" in line or "](" in line for line in lines):
        return []  # no tag, no link, no image: nothing below could match
    text = blank_code(lines)
    parser = _Tags()
    parser.feed("\n".join(text))
    parser.close()
    found = [(first_line + index, f"the image {match.group(1)} is on another site, which pages "
              "do not load from", REMOTE_IMAGE_FIX)
             for index, line in enumerate(text) for match in MARKDOWN_IMAGE.finditer(line)]
    found += [(first_line + index, NO_ALT, NO_ALT_FIX)
              for index, line in enumerate(text) for _ in MARKDOWN_IMAGE_ALT.finditer(line)]
    found += [(first_line + index, f"a link points to a {match.group(1).lower()}: address",
               "link to a web address (https://...) instead")
              for index, line in enumerate(text) for match in MARKDOWN_SCRIPT_LINK.finditer(line)]
    for line, tag, attrs in parser.found:
        number = first_line + line - 1
        if tag in FORBIDDEN:
            found.append((number, f"the text contains <{tag}>, which is never published",
                          FORBIDDEN[tag]))
            continue
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            found.append((number, NO_ALT, NO_ALT_FIX))
        for name, value in attrs:
            if name.startswith("on"):
                found.append((number, f"the <{tag}> element has an {name} attribute, which runs "
                              "script", "remove the attribute"))
            elif tag == "img" and name == "src" and REMOTE.match(value or ""):
                found.append((number, f"the image {value.strip()} is on another site, which pages "
                              "do not load from", REMOTE_IMAGE_FIX))
            elif name in ("href", "src") and (value or "").strip().lower().startswith(DANGEROUS_SCHEMES):
                found.append((number, f"the <{tag}> element points to a "
                              f"{value.strip().split(':')[0].lower()}: address",
                              "link to a web address (https://...) instead"))
        if policy == "refuse" and not any(entry[0] == number for entry in found):
            found.append((number, f"raw HTML (<{tag}>) is not allowed on this site",
                          "write it in Markdown, or set SAFE_RAW_HTML = 'sanitise'"))
    return found
