"""Reading the YAML registries: each file is parsed with ruamel.yaml, which
remembers where every key stands, and validated with a JSON Schema, so that
every mistake is reported as ``path:line: what (fix)`` like the rest of the
content check.

data.py imports this module only when it has no valid reading of the same
files kept from an earlier build: ruamel.yaml and jsonschema alone take longer
to import than the rest of a small rebuild.
"""

import os
import re

import jsonschema
from babel import Locale
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

from .data import Organisation, Registry
from .organisations import is_arabic, matching_key
from .problems import Problem, shown_path

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
WEB_ADDRESS_PATTERN = r"^https?://[^\s/]+\.[^\s]+$"
LOGO_PATTERN = r"^[^/\s][^\s]*\.(svg|png|jpg|jpeg|webp)$"
TEXT = {"type": "string", "pattern": r"\S"}
COUNTRIES = sorted(code for code in Locale("en").territories if code.isalpha())


def read_registry(settings):
    """(Registry, [Problem]) from the three files."""
    languages = list(settings["I18N_LANGUAGES"])
    problems = []

    def load(key, schema):
        path = os.path.join(settings["PATH"], settings[key])
        shown = shown_path(path)
        document, found = _load_yaml(path, shown)
        if not found:
            found = _schema_problems(document, schema, shown)
        problems.extend(found)
        return {} if found else document

    organisations = load("DATA_ORGANISATIONS", organisations_schema(languages))
    categories = load("DATA_CATEGORIES", names_schema(languages, required=True))
    tags = load("DATA_TAGS", names_schema(languages, required=False))
    orgs_path = shown_path(os.path.join(settings["PATH"], settings["DATA_ORGANISATIONS"]))
    problems += _parent_problems(organisations, orgs_path)
    problems += _name_problems(organisations, orgs_path)
    problems += _logo_problems(organisations, orgs_path, settings)
    registry = Registry(
        organisations={slug: _organisation(slug, entry) for slug, entry in organisations.items()},
        categories={slug: dict(names) for slug, names in categories.items()},
        tags={slug: dict(names) for slug, names in tags.items()},
    )
    return registry, problems


def organisations_schema(languages):
    return {
        "type": "object",
        "propertyNames": {"pattern": SLUG_PATTERN},
        "additionalProperties": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "name": _per_language(languages, required=True),
                "abbreviation": _per_language(languages, required=False),
                "website": {"type": "string", "pattern": WEB_ADDRESS_PATTERN},
                "country": {"enum": COUNTRIES},
                "parent": {"type": "string", "pattern": SLUG_PATTERN},
                "aliases": {"type": "array", "items": TEXT, "uniqueItems": True},
                "logo": {"type": "string", "pattern": LOGO_PATTERN},
            },
        },
    }


def names_schema(languages, required):
    return {
        "type": "object",
        "propertyNames": {"pattern": SLUG_PATTERN},
        "additionalProperties": _per_language(languages, required),
    }


def _per_language(languages, required):
    schema = {
        "type": "object",
        "properties": dict.fromkeys(languages, TEXT),
        "additionalProperties": False,
        "minProperties": 1,
    }
    if required:
        schema["required"] = languages
    return schema


def _organisation(slug, entry):
    return Organisation(
        slug=slug,
        names=dict(entry["name"]),
        abbreviations=dict(entry.get("abbreviation", {})),
        website=entry.get("website", ""),
        country=entry.get("country", ""),
        parent=entry.get("parent", ""),
        aliases=tuple(entry.get("aliases", ())),
        logo=entry.get("logo", ""),
        line=entry.lc.line + 1 if isinstance(entry, CommentedMap) else 0,
    )


def _load_yaml(path, shown):
    try:
        with open(path, encoding="utf-8-sig") as stream:
            document = YAML(typ="rt").load(stream)
    except DuplicateKeyError as error:
        key = re.search(r'duplicate key "(.*?)"', error.problem)
        return None, [Problem(shown, error.problem_mark.line + 1,
                              f"'{key.group(1) if key else '?'}' is given twice",
                              "keep one entry per key")]
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return None, [
            Problem(shown, mark.line + 1 if mark else 1,
                    f"this line does not fit the YAML around it ({error.problem})",
                    "check its indentation against the lines above, and the ':' after each key")
        ]
    except UnicodeDecodeError:
        return None, [Problem(shown, 1, "not valid UTF-8", "save the file as UTF-8")]
    if document is None:
        return CommentedMap(), []
    if not isinstance(document, CommentedMap):
        return None, [Problem(shown, 1, "the file must map slugs to entries",
                              "start each entry with 'slug:' at the left margin")]
    return document, []


def _schema_problems(document, schema, shown):
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in validator.iter_errors(document):
        path = list(error.absolute_path)
        what, fix = _explain(error, path)
        if error.validator == "additionalProperties":
            path.append(_unknown_keys(error)[0])  # point at the unknown key itself
        problems.append(Problem(shown, _line_of(document, path), what, fix))
    return problems


def _unknown_keys(error):
    return sorted(set(error.instance) - set(error.schema.get("properties", {})))


def _explain(error, path):
    """A sentence for editors, instead of JSON Schema's developer message."""
    where = ".".join(str(part) for part in path) or "the file"
    kind = error.validator
    if kind == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        return f"{where}: '{missing[0]}' is missing", f"add '{missing[0]}:' under {where}"
    if kind == "additionalProperties":
        known = ", ".join(error.schema.get("properties", {}))
        return f"{where}: unknown field '{_unknown_keys(error)[0]}'", f"the fields are: {known}"
    if kind == "propertyNames":
        return (f"'{error.instance}' is not a slug",
                "use lowercase Latin letters, digits and hyphens, like 'qnl' or 'saudi-arabia'")
    if kind == "pattern" and error.validator_value == WEB_ADDRESS_PATTERN:
        return f"{where}: '{error.instance}' is not a web address", "write it in full, from https://"
    if kind == "pattern" and error.validator_value == LOGO_PATTERN:
        return (f"{where}: '{error.instance}' is not an image path",
                "give the path of an .svg, .png, .jpg or .webp file under the content folder")
    if kind == "pattern" and error.validator_value == SLUG_PATTERN:
        return f"{where}: '{error.instance}' is not a slug", "use the slug of another entry"
    if kind == "enum":
        return (f"{where}: '{error.instance}' is not an ISO 3166 country code",
                "use two capital letters, e.g. QA, SA, EG")
    if kind in ("pattern", "minProperties", "type"):
        return f"{where} is empty or not text", "write a value after the ':'"
    if kind == "uniqueItems":
        return f"{where} lists the same value twice", "remove the repetition"
    return f"{where}: {error.message}", "see the registry fields in README.md"


def _line_of(document, path):
    """1-based line of the deepest key of `path` found in the document."""
    node, line = document, 1
    for key in path:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
        else:
            break
        node = node[key]
    return line


def _parent_problems(organisations, shown):
    problems = []
    for slug, entry in organisations.items():
        parent = entry.get("parent")
        if parent and parent not in organisations:
            problems.append(Problem(shown, entry.lc.key("parent")[0] + 1,
                                    f"{slug}: parent '{parent}' is not in the registry",
                                    "use the slug of an organisation listed in this file"))
        elif parent == slug:
            problems.append(Problem(shown, entry.lc.key("parent")[0] + 1,
                                    f"{slug} is its own parent", "remove 'parent'"))
    return problems


def _names_with_lines(entry):
    """(name, line) for each name, alias and Latin abbreviation of an entry: the
    strings the mention matcher looks for."""
    for field_name in ("name", "abbreviation"):
        values = entry.get(field_name) or {}
        for lang, name in values.items():
            if field_name == "name" or not is_arabic(name):
                yield name, values.lc.key(lang)[0] + 1
    aliases = entry.get("aliases") or []
    for index, alias in enumerate(aliases):
        yield alias, aliases.lc.item(index)[0] + 1


def _name_problems(organisations, shown):
    """A name or alias may belong to one organisation only, or mentions would be
    ambiguous."""
    owners, problems = {}, []
    for slug, entry in organisations.items():
        for name, line in _names_with_lines(entry):
            key = matching_key(name)
            owner = owners.setdefault(key, (slug, line))
            if owner[0] != slug:
                problems.append(Problem(shown, line, f"{slug}: '{name}' also names {owner[0]} "
                                        f"(line {owner[1]})",
                                        "give each organisation its own names and aliases"))
    return problems


def _logo_problems(organisations, shown, settings):
    problems = []
    static = [path.rstrip("/") + "/" for path in settings["STATIC_PATHS"]]
    for slug, entry in organisations.items():
        logo = entry.get("logo")
        if not logo:
            continue
        line = entry.lc.key("logo")[0] + 1
        if not os.path.isfile(os.path.join(settings["PATH"], logo)):
            problems.append(Problem(shown, line, f"{slug}: no logo file '{logo}'",
                                    "give its path from the content folder"))
        elif not any(logo.startswith(folder) for folder in static):
            problems.append(Problem(shown, line, f"{slug}: the logo '{logo}' is not in a "
                                    "static folder", f"put it under {', '.join(static)}"))
    return problems
