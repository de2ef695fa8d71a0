"""`invoke new`: the Arabic and English files of a new article, every field present
and explained.

The metadata header has no comment syntax, so the explanations sit in an HTML
comment under it: Nashra never publishes comments. Fields left empty count as
absent, and the article starts as a draft, so the scaffold builds as it is.
"""

import os

from .settings import SLUG_RE

FIELDS = (
    ("Title", "the headline, on one line"),
    ("Date", "publication date: YYYY-MM-DD, or YYYY-MM when only the month is known"),
    ("Slug", "the same in both languages: it pairs the translations and makes the URL"),
    ("Lang", "the language of this file: ar or en"),
    ("Category", "one slug from content/data/categories.yaml"),
    ("Tags", "comma-separated slugs; their names per language are in content/data/tags.yaml"),
    ("Organisations", "comma-separated slugs from content/data/organisations.yaml"),
    ("Summary", "one or two sentences, shown in listings, feeds and search results"),
    ("Status", "draft (written, not listed), hidden (written, not listed) or published"),
    ("event-start", "first day of the event: YYYY-MM-DD, YYYY-MM-DD HH:MM, or YYYY-MM"),
    ("event-end", "last day, in the same forms; empty for a one-day event"),
    ("event-location", "the place, written in this file's language"),
    ("event-timezone", "time zone of the place, e.g. Asia/Qatar (needed when a time is given)"),
    ("event-mode", "in-person, online or hybrid"),
    ("event-url", "the event's web address (needed for online events)"),
    ("event-status", "scheduled (default), cancelled, postponed, rescheduled or moved-online"),
)

INHERITANCE_NOTE = (
    "A translation may leave Organisations and the event-* fields empty: it\n"
    "inherits them from the other language. Where both give one, they must agree."
)
PLACEHOLDER = {"ar": "اكتب نص المقالة هنا.", "en": "Write the article here."}


class ScaffoldError(Exception):
    pass


def article_paths(content_dir, slug):
    return {lang: os.path.join(content_dir, "articles", f"{slug}.{lang}.md") for lang in ("ar", "en")}


def write_article_pair(content_dir, slug, titles, date, category):
    """Write <slug>.ar.md and <slug>.en.md; returns their paths. Never overwrites."""
    if not SLUG_RE.match(slug):
        raise ScaffoldError(f"'{slug}' is not a slug: use lowercase Latin letters, digits and hyphens")
    paths = article_paths(content_dir, slug)
    existing = [path for path in paths.values() if os.path.exists(path)]
    if existing:
        raise ScaffoldError(f"{', '.join(existing)} already exists: choose another slug")
    for lang, path in paths.items():
        values = {"Title": titles[lang], "Date": date, "Slug": slug, "Lang": lang,
                  "Category": category, "Status": "draft"}
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(render(values, lang))
    return list(paths.values())


def render(values, lang):
    width = max(len(name) for name, _ in FIELDS)
    header = "\n".join(f"{name}: {values.get(name, '')}".rstrip() for name, _ in FIELDS)
    notes = "\n".join(f"{name.ljust(width)}  {help_text}" for name, help_text in FIELDS)
    return (
        f"{header}\n\n<!--\n{notes}\n\n"
        "A field left empty counts as absent. Delete the event-* lines for news\n"
        "without an event. Set Status to published when the article is ready.\n"
        f"{INHERITANCE_NOTE}\nThis comment is never published.\n-->\n\n{PLACEHOLDER[lang]}\n"
    )
