"""The content check: every rule an article or page must follow, with the line.

``invoke check`` runs it alone; every build runs it before Pelican reads a
file, and stops on the same problems. Each problem is one line,
``path:line: what is wrong (how to fix it)``.

The check reads the metadata header itself (the same syntax as Python-Markdown's
``meta`` extension, which Pelican uses) because Pelican keeps no line numbers.
"""

import difflib
import os
import re
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field

from . import events
from .dates import parse_when
from .data import load_registry
from .organisations import Matcher
from .rawhtml import findings as raw_html_findings
from .problems import Problem, ValueProblem, shown_path
from .settings import SLUG_RE, reserved_slugs
from .sources import ARTICLE, CONTENT_PATHS, PAGE, content_files

# The metadata syntax of Python-Markdown's meta extension.
META_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
META_MORE_RE = re.compile(r"^[ ]{4,}(?P<value>.*)")
BEGIN_RE = re.compile(r"^-{3}(\s.*)?")
END_RE = re.compile(r"^(-{3}|\.{3})(\s.*)?")

STATUSES = ("published", "draft", "hidden")
COMMON_FIELDS = ("title", "slug", "lang", "summary", "status", "modified", "template")
FIELDS = {
    ARTICLE: COMMON_FIELDS + ("date", "category", "tags", "organisations") + events.FIELDS,
    PAGE: COMMON_FIELDS,
}
REQUIRED = {
    ARTICLE: ("title", "date", "slug", "lang", "category"),
    PAGE: ("title", "slug", "lang"),
}
# A headline, not a paragraph.
TITLE_MAX_LENGTH = 200
# Only a formatted field may run over several lines.
MULTILINE_FIELDS = ("summary",)
# Fields a translation inherits from, and must agree with, the other language.
SHARED_FIELDS = ("organisations", "category") + events.SHARED_FIELDS
FIELD_HELP = {
    "title": "the headline, on one line",
    "date": "the publication date, e.g. 2025-12-07",
    "slug": "the same in every language, e.g. ifla-regional-offices-meeting-doha",
    "lang": "the language of the file",
    "category": "the slug of a category in the categories registry",
}


@dataclass(slots=True)
class Entry:
    """One metadata field as written: its text and the line it starts on."""

    text: str
    line: int
    value: object = None


@dataclass(slots=True)
class Source:
    """A content file as the check sees it."""

    path: str
    kind: str
    fields: dict = field(default_factory=dict)
    body_line: int = 0
    has_body: bool = False
    lines: list = field(default_factory=list)

    def line(self, name):
        return self.fields[name].line if name in self.fields else 1

    def value(self, name):
        entry = self.fields.get(name)
        return None if entry is None else entry.value

    def text(self, name):
        entry = self.fields.get(name)
        return None if entry is None else entry.text

    def keeping(self, names):
        """This file with only the named fields (and none of its text)."""
        return Source(self.path, self.kind, {name: self.fields[name] for name in names
                                             if name in self.fields},
                      self.body_line, self.has_body)


# The key under which a build keeps the sources as the check read them, for the
# verification after writing.
SOURCES = "_nashra_sources"


def check_content(settings, hints=False):
    """Check all articles, pages and registries; returns [Problem], sorted. With
    `hints`, also warn about organisations mentioned but not listed."""
    problems, _ = check_sources(settings, hints)
    return problems


def check_sources(settings, hints=False, read=None):
    """(problems, sources): the check, and the files as it read them. `read`
    gives the bytes of a file already read (None: read it here)."""
    registry, problems = load_registry(settings)
    sources = []
    for kind, key in CONTENT_PATHS:
        for path in content_files(settings, key):
            source, found = read_source(path, kind, read(path) if read else None)
            problems += found
            if source is not None:
                problems += check_source(source, settings, registry)
                if not hints:
                    source.lines = []  # only the hints read the text again
                sources.append(source)
    problems += check_translations(sources)
    if hints:
        problems += mention_hints(sources, registry)
    return sorted(set(problems)), sources


def read_source(path, kind, raw=None):
    """Parse the metadata header of one file (its bytes `raw`, when already
    read); returns (Source or None, [Problem])."""
    try:
        if raw is None:
            with open(path, "rb") as stream:
                raw = stream.read()
    except OSError as error:
        return None, [Problem(path, 1, f"cannot be read: {error.strerror}", "check the file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(path, line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x})",
                              "save the file as UTF-8")]
    if not text.strip():
        return None, [Problem(path, 1, "the file is empty",
                              "write the metadata header, a blank line, then the text")]
    # Split as Python-Markdown does: str.splitlines() would also break on U+2028,
    # U+0085 or a form feed in the text, and the line numbers would drift.
    return parse_header(path, kind, text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def parse_header(path, kind, lines):
    source = Source(path, kind, lines=lines)
    problems = []
    number, last = 0, None
    if lines and BEGIN_RE.match(lines[0]):
        number = 1
    header_end = number
    while number < len(lines):
        line = lines[number]
        number += 1
        if not line.strip() or END_RE.match(line):
            break
        meta, more = META_RE.match(line), META_MORE_RE.match(line)
        if meta:
            last = meta.group("key").lower()
            if last in source.fields:
                problems.append(Problem(path, number, f"{last} is given twice",
                                        f"keep one; the first is on line {source.line(last)}"))
            else:
                source.fields[last] = Entry(meta.group("value").strip(), number)
        elif more and last:
            if last not in MULTILINE_FIELDS:
                problems.append(Problem(path, number, f"{last} continues on a second line",
                                        "keep it on one line"))
            source.fields[last].text += " " + more.group("value").strip()
        else:
            number -= 1  # the body starts here, without a blank line
            break
        header_end = number
    source.body_line = header_end + 1
    source.has_body = any(line.strip() for line in lines[number:])
    return source, problems


def check_source(source, settings, registry):
    """Every rule that one file must follow on its own."""
    problems = []

    def problem(name, what, fix):
        problems.append(Problem(source.path, source.line(name), what, fix))

    for name in source.fields:
        if name not in FIELDS[source.kind]:
            close = difflib.get_close_matches(name, FIELDS[source.kind], n=1)
            hint = f"did you mean '{close[0]}'?" if close else (
                f"the fields are: {', '.join(FIELDS[source.kind])}")
            problem(name, f"unknown field '{name}'", hint)
    for name in REQUIRED[source.kind]:
        if name in source.fields and not source.fields[name].text:
            problem(name, f"{name} is empty", f"write {FIELD_HELP[name]}")
        elif name not in source.fields:
            problem(name, f"{name} is missing",
                    f"add '{name.capitalize()}: ' to the header: {FIELD_HELP[name]}")
    if not source.has_body:
        problems.append(Problem(source.path, source.body_line, "there is no text after the header",
                                "write the text after one blank line under the header"))
    # An optional field left empty counts as absent (no value), as in the build.
    for name, entry in source.fields.items():
        if entry.text and name in FIELDS[source.kind]:
            try:
                entry.value = _parse_value(name, entry.text, settings, registry, source.kind)
            except ValueProblem as error:
                problem(name, error.what, error.fix)
    problems += _filename_problems(source)
    body = source.lines[source.body_line - 1:]
    for line, what, fix in raw_html_findings(body, source.body_line, settings["SAFE_RAW_HTML"]):
        problems.append(Problem(source.path, line, what, fix))
    problems += _intrasite_link_problems(source, body, settings)
    return problems


INTRASITE_LINK = re.compile(r"\{(filename|static|attach)\}([^\s\)\"'>#?]+)")


def _intrasite_link_problems(source, body, settings):
    """{filename}, {static} and {attach} links must name a file in the content
    folder (Pelican would otherwise only warn, and leave the link broken)."""
    problems = []
    content = os.path.abspath(settings["PATH"])
    folder = os.path.dirname(os.path.abspath(source.path))
    for index, line in enumerate(body):
        for kind, target in INTRASITE_LINK.findall(line):
            path = urllib.parse.unquote(target)
            full = os.path.join(content, path.lstrip("/")) if path.startswith("/") else \
                os.path.join(folder, path)
            if not os.path.isfile(full):
                problems.append(Problem(source.path, source.body_line + index,
                                        f"{{{kind}}}{target} names no file",
                                        "give the path of a file in the content folder, from "
                                        "this file's folder or from the content folder with a "
                                        "leading /"))
    return problems


def _parse_value(name, text, settings, registry, kind):
    """The typed value of one field; raises ValueProblem."""
    if name in ("date", "modified"):
        return parse_when(text)
    if name in events.FIELDS:
        return events.parse_field(name, text)
    if name == "title" and len(text) > TITLE_MAX_LENGTH:
        raise ValueProblem(f"the title has {len(text)} characters",
                           f"shorten it to {TITLE_MAX_LENGTH} at most; the summary can say more")
    if name == "slug":
        if not SLUG_RE.match(text):
            raise ValueProblem(f"'{text}' is not a slug",
                               "use lowercase Latin letters, digits and hyphens")
        if kind == PAGE and text in reserved_slugs(settings):
            raise ValueProblem(f"the page slug '{text}' is taken by the site's own pages",
                               "choose another slug")
        return text
    if name == "lang":
        languages = list(settings["I18N_LANGUAGES"])
        if text not in languages:
            raise ValueProblem(f"'{text}' is not a language of the site",
                               f"use one of: {', '.join(languages)}")
        return text
    if name == "status":
        if text not in STATUSES:
            raise ValueProblem(f"'{text}' is not a status", f"use one of: {', '.join(STATUSES)}")
        return text
    if name == "category":
        return _known(text, registry.categories, "category", settings["DATA_CATEGORIES"])
    if name == "organisations":
        return tuple(_known(slug, registry.organisations, "organisation",
                            settings["DATA_ORGANISATIONS"]) for slug in split_list(text))
    if name == "tags":
        tags = split_list(text)
        for tag in tags:
            if not SLUG_RE.match(tag):
                raise ValueProblem(f"the tag '{tag}' is not a slug",
                                   "write tags as slugs, like 'public-libraries', and name them "
                                   f"per language in {settings['DATA_TAGS']}")
        return tuple(tags)
    return text


def split_list(text):
    """Comma-separated values, as Pelican splits Tags."""
    return [item.strip() for item in text.split(",") if item.strip()]


def _known(slug, known, what, registry_file):
    if slug not in known:
        close = difflib.get_close_matches(slug, list(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"add it to {registry_file}"
        raise ValueProblem(f"unknown {what} '{slug}'", hint)
    return slug


def _filename_problems(source):
    """The file must be named <slug>.<lang>.md, so that editors find translations."""
    slug, lang = source.value("slug"), source.value("lang")
    if not (slug and lang):
        return []
    expected = f"{slug}.{lang}.md"
    if os.path.basename(source.path) != expected:
        return [Problem(source.path, source.line("slug"),
                        f"the file name does not match Slug and Lang",
                        f"rename the file to {expected}")]
    return []


def translation_groups(sources):
    """Files that are versions of one article (or page): same kind and slug."""
    groups = defaultdict(list)
    for source in sources:
        if source.value("slug") and source.value("lang"):
            groups[(source.kind, source.value("slug"))].append(source)
    return list(groups.values())


def check_translations(sources):
    """Rules across files: unique slugs per language, and translations that agree."""
    problems = []
    for group in translation_groups(sources):
        problems += _duplicate_problems(group)
        for first, second in _pairs(group):
            problems += _disagreements(first, second)
        problems += _event_problems(group)
    return problems


def _event_problems(group):
    """The event rules, on each file's fields as the build sees them: its own,
    plus those inherited from its translations. A problem is reported in the
    file that gives the field at fault."""
    problems = []
    for source in group:
        fields = {}
        for giver in [source] + [other for other in group if other is not source]:
            for name in events.FIELDS:
                if giver.value(name) is not None:
                    fields.setdefault(name, giver.value(name))
        for name, what, fix in events.event_problems(fields):
            if source.value(name) is not None:
                problems.append(Problem(source.path, source.line(name), what, fix))
    return problems


def _duplicate_problems(group):
    seen, problems = {}, []
    for source in sorted(group, key=lambda s: s.path):
        lang = source.value("lang")
        if lang in seen:
            other = seen[lang]
            problems.append(Problem(source.path, source.line("slug"),
                                    f"slug '{source.value('slug')}' in '{lang}' is also used by "
                                    f"{other.path}:{other.line('slug')}",
                                    "give each article its own slug"))
        else:
            seen[lang] = source
    return problems


def _pairs(group):
    ordered = sorted(group, key=lambda s: s.path)
    return [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:]
            if a.value("lang") != b.value("lang")]


def _disagreements(first, second):
    problems = []
    for name in SHARED_FIELDS:
        a, b = first.value(name), second.value(name)
        if a is None or b is None or _same(a, b):
            continue
        problems.append(Problem(
            second.path, second.line(name),
            f"{name} '{second.text(name)}' disagrees with {first.path}:{first.line(name)} "
            f"('{first.text(name)}')",
            "make them the same, or leave the field out of one file to inherit it"))
    return problems


def _same(a, b):
    if isinstance(a, tuple) and isinstance(b, tuple):
        return set(a) == set(b)
    return a == b


def mention_hints(sources, registry):
    """Warnings for organisations an article names in its title, summary or text
    but does not list (itself or through its translation) in Organisations."""
    matcher = Matcher(registry.organisations)
    hints = []
    for group in translation_groups([s for s in sources if s.kind == ARTICLE]):
        listed = set(next((s.value("organisations") for s in group
                           if s.value("organisations") is not None), ()))
        for source in group:
            for organisation, name, line in _mentions(source, matcher):
                if organisation.slug not in listed:
                    label = organisation.abbreviation("en") or organisation.name("en")
                    hints.append(Problem(
                        source.path, line, f'mentions {label} ("{name}") but does not list it '
                        "in Organisations",
                        f"add '{organisation.slug}' to Organisations, or run "
                        "`invoke check --fix-organisations`", warning=True))
    return hints


def _mentions(source, matcher):
    """(organisation, name, line) of the first mention of each organisation."""
    numbered = [(source.line(name), source.text(name)) for name in ("title", "summary")
                if source.text(name)]
    numbered += list(enumerate(source.lines[source.body_line - 1:], start=source.body_line))
    first = {}
    for number, text in numbered:
        for organisation, name in matcher.find(text):
            first.setdefault(organisation.slug, (organisation, name, number))
    return list(first.values())


def fix_organisations(hints, sources):
    """Add each organisation a hint names to the article's Organisations: in every
    version that lists its own, else in the file that mentions it. Returns the
    paths changed."""
    by_path = {source.path: source for source in sources}
    additions = defaultdict(list)
    for hint in hints:
        source = by_path[hint.path]
        slug = re.search(r"add '([a-z0-9-]+)'", hint.fix).group(1)
        group = next(g for g in translation_groups(sources) if source in g)
        declaring = [s for s in group if s.value("organisations") is not None] or [source]
        for target in declaring:
            if slug not in additions[target.path]:
                additions[target.path].append(slug)
    for path, slugs in additions.items():
        _add_organisations(by_path[path], slugs)
    return sorted(additions)


def _add_organisations(source, slugs):
    """Rewrite the header line (or add one), leaving every other byte as it was."""
    with open(source.path, "rb") as stream:
        raw = stream.read()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    current = list(source.value("organisations") or ())
    line = f"Organisations: {', '.join(current + [s for s in slugs if s not in current])}"
    if "organisations" in source.fields:
        lines[source.line("organisations") - 1] = line
    else:
        lines.insert(source.body_line - 1, line)
    with open(source.path, "wb") as stream:
        stream.write((b"\xef\xbb\xbf" if bom else b"") + newline.join(lines).encode("utf-8"))
