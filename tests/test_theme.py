"""The stylesheet, parsed: logical properties only, Arabic typography, the states
a reader needs (dark, print, focus), and its weight."""

import re

import pytest
import tinycss2

from conftest import ROOT

STYLESHEET = ROOT / "theme" / "static" / "css" / "nashra.css"
PHYSICAL_PROPERTY = re.compile(
    r"^(?:(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:top|right|bottom|left)"
    r"(?:-.*)?|left|right|top|bottom|(?:min-|max-)?(?:width|height)"
    r"|border-(?:top|bottom)-(?:left|right)-radius)$")
PHYSICAL_VALUE = {"float": {"left", "right"}, "clear": {"left", "right"},
                  "text-align": {"left", "right", "justify"}}


def rules(nodes=None, media=()):
    """(selector, media queries, declarations) for every style rule, in order."""
    if nodes is None:
        nodes = tinycss2.parse_stylesheet(STYLESHEET.read_text(encoding="utf-8"),
                                          skip_comments=True, skip_whitespace=True)
    for node in nodes:
        assert node.type != "error", node
        if node.type == "qualified-rule":
            selector = tinycss2.serialize(node.prelude).strip()
            declarations = [d for d in tinycss2.parse_declaration_list(
                node.content, skip_comments=True, skip_whitespace=True)]
            for declaration in declarations:
                assert declaration.type == "declaration", (selector, declaration)
            yield selector, media, declarations
        elif node.type == "at-rule" and node.lower_at_keyword == "media":
            query = tinycss2.serialize(node.prelude).strip()
            inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
            yield from rules(inner, media + (query,))


def value_of(declaration):
    return tinycss2.serialize(declaration.value).strip()


def test_the_stylesheet_uses_logical_properties_only():
    physical = []
    for selector, _, declarations in rules():
        if "[dir=rtl]" in selector.replace('"', ""):
            continue  # allowed where no logical form exists, with a comment saying why
        for declaration in declarations:
            name, value = declaration.lower_name, value_of(declaration).lower()
            if PHYSICAL_PROPERTY.match(name) or value in PHYSICAL_VALUE.get(name, ()):
                physical.append(f"{selector} {{ {name}: {value} }}")
            if name in ("margin", "padding", "inset") and len(value.split()) > 2:
                physical.append(f"{selector} {{ {name}: {value} }} (sides as top right bottom left)")
    assert physical == []


def declarations_for(selector_text, media=()):
    found = {}
    for selector, rule_media, declarations in rules():
        if selector == selector_text and rule_media == media:
            found.update({d.lower_name: value_of(d) for d in declarations})
    return found


def test_arabic_typography():
    assert declarations_for(":lang(ar)")["letter-spacing"] == "normal"
    assert "Naskh" in declarations_for(":lang(ar)")["font-family"] or "--font-arabic" in \
        declarations_for(":lang(ar)")["font-family"]
    assert float(declarations_for("html:lang(ar)")["line-height"]) >= 1.7
    emphasis = declarations_for(":lang(ar) em,\n:lang(ar) i,\n:lang(ar) cite")
    assert emphasis["font-style"] == "normal"
    assert declarations_for("body")["text-align"] == "start"


def test_no_web_fonts_and_no_outside_resources():
    text = STYLESHEET.read_text(encoding="utf-8")
    tokens = tinycss2.parse_stylesheet(text, skip_comments=True)
    assert not [t for t in tokens if t.type == "at-rule" and t.lower_at_keyword in ("font-face", "import")]
    for _, _, declarations in rules():
        for declaration in declarations:
            for token in declaration.value:
                assert token.type != "url", declaration.name


@pytest.mark.parametrize("media", ["(prefers-color-scheme: dark)", "print"])
def test_dark_and_print_styles_exist(media):
    assert any(media in rule_media for _, rule_media, _ in rules())


def test_focus_is_visible_and_the_current_page_is_marked():
    assert "solid" in declarations_for(":focus-visible")["outline"]
    assert declarations_for('[aria-current="page"]')


def test_the_stylesheet_is_light():
    assert STYLESHEET.stat().st_size <= 20 * 1024
