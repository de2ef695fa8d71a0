"""Organisations: how names are compared and sorted in Arabic and English, where
an article mentions one, and each edition's directory of them.

Arabic text is compared after the normalisation Arabic search engines use:
harakat and tatweel removed, أ/إ/آ/ٱ folded to ا, ى to ي, ة to ه. A name's
first word may carry the prefixes Arabic attaches to words: و/ف (and), ب/ك/ل
(prepositions), and ل + ال contracts to لل ("للإفلا" is "ل" + "الإفلا").
"""

import re
import unicodedata
from dataclasses import dataclass, field

ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3]")
HARAKAT_AND_TATWEEL = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                       "ک": "ك", "ی": "ي"})
ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")
CONJUNCTIONS = ("", "و", "ف")
PREPOSITIONS = ("", "ب", "ك", "ل")


def normalise_arabic(text):
    # NFKC also turns Arabic presentation forms (ﻻ, ﺍ...) back into letters.
    return HARAKAT_AND_TATWEEL.sub("", unicodedata.normalize("NFKC", text)).translate(FOLDS)


def is_arabic(text):
    return bool(ARABIC_LETTER.search(text))


# -- matching -------------------------------------------------------------------

def _first_word_forms(word):
    """Every way the first word of a name may be written with prefixes attached."""
    forms = set()
    for conjunction in CONJUNCTIONS:
        for preposition in PREPOSITIONS:
            if preposition == "ل" and word.startswith("ال"):
                forms.add(conjunction + "لل" + word[2:])  # ل + ال is written لل
            else:
                forms.add(conjunction + preposition + word)
    return forms


class Matcher:
    """Finds the names, abbreviations and aliases of registry organisations in text.

    Latin names match case-insensitively on word boundaries. Arabic names match
    word by word after normalisation, with prefixes allowed on the first word.
    An abbreviation written in Arabic (AFLI's "اعلم" is also the word "know")
    matches only if it is listed among the aliases too.
    """

    def __init__(self, organisations):
        self._latin = []  # (regex, organisation, name)
        self._arabic = {}  # first word form -> [(following words, organisation, name)]
        for organisation in organisations.values():
            for name in _searchable_names(organisation):
                if is_arabic(name):
                    self._add_arabic(name, organisation)
                else:
                    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
                    self._latin.append((pattern, organisation, name))

    def _add_arabic(self, name, organisation):
        words = ARABIC_WORD.findall(normalise_arabic(name))
        if not words:
            return
        for form in _first_word_forms(words[0]):
            self._arabic.setdefault(form, []).append((words[1:], organisation, name))

    def find(self, text):
        """[(organisation, the name as the registry writes it)] found in `text`."""
        found = [(organisation, name) for pattern, organisation, name in self._latin
                 if pattern.search(text)]
        words = ARABIC_WORD.findall(normalise_arabic(text))
        for index, word in enumerate(words):
            for following, organisation, name in self._arabic.get(word, ()):
                if words[index + 1:index + 1 + len(following)] == following:
                    found.append((organisation, name))
        return found


def _searchable_names(organisation):
    names = list(organisation.names.values()) + list(organisation.aliases)
    names += [abbreviation for abbreviation in organisation.abbreviations.values()
              if not is_arabic(abbreviation)]
    return list(dict.fromkeys(names))


def matching_key(name):
    """What two names must share to be the same name for the matcher."""
    if is_arabic(name):
        return " ".join(ARABIC_WORD.findall(normalise_arabic(name)))
    return name.casefold().strip()


# -- sorting --------------------------------------------------------------------

def sort_key(text, lang):
    """Alphabetical order for a page in `lang`. In Arabic the definite article
    "ال" of the first word is ignored (otherwise half the names would sort under
    ا), hamza forms and harakat do not count, and Latin names come after the
    Arabic ones; after the folds, Unicode order is the Arabic alphabetical order.
    In English, accents and case do not count, and Arabic names come last."""
    if is_arabic(text):
        words = normalise_arabic(text).split()
        if words and words[0].startswith("ال") and len(words[0]) > 3:
            words[0] = words[0][2:]
        return (0 if lang == "ar" else 1, " ".join(words), text)
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in plain if not unicodedata.combining(char)).casefold()
    return (1 if lang == "ar" else 0, plain, text)


# -- each edition's directory -----------------------------------------------------

@dataclass(eq=False)
class Entity:
    """An organisation as one edition shows it."""

    organisation: object
    lang: str
    url: str
    articles: list = field(default_factory=list)
    agenda: object = None
    parent: object = None
    children: list = field(default_factory=list)

    @property
    def slug(self):
        return self.organisation.slug

    @property
    def key(self):
        return f"organisation:{self.slug}"

    @property
    def name(self):
        return self.organisation.name(self.lang)

    @property
    def abbreviation(self):
        return self.organisation.abbreviation(self.lang)

    @property
    def other_names(self):
        """(language, name) of its names in the other languages."""
        return [(lang, name) for lang, name in self.organisation.names.items() if lang != self.lang]

    def __str__(self):
        return self.name


@dataclass
class CountryGroup:
    code: str  # '' for international and regional bodies
    name: str
    entities: list


class Directory:
    """Every organisation of the registry, in one edition's language."""

    def __init__(self, edition, registry, agenda_of):
        self.lang = edition.lang
        self.entities = {slug: Entity(organisation, edition.lang,
                                      edition.url("ORGANISATIONS_URL", slug=slug))
                         for slug, organisation in registry.organisations.items()}
        for article in edition.articles:
            for organisation in article.organisations:
                self.entities[organisation.slug].articles.append(article)
        for entity in self.entities.values():
            entity.agenda = agenda_of(entity.articles)
            parent = entity.organisation.parent
            if parent:
                entity.parent = self.entities[parent]
                entity.parent.children.append(entity)
        for entity in self.entities.values():
            entity.children.sort(key=lambda child: sort_key(child.name, self.lang))

    def sorted(self):
        return sorted(self.entities.values(), key=lambda entity: sort_key(entity.name, self.lang))

    def by_country(self, country_name, international):
        """Groups by country, named in the page's language, in its alphabetical
        order; international and regional bodies last."""
        groups = {}
        for entity in self.sorted():
            code = entity.organisation.country
            name = country_name(code) if code else international
            groups.setdefault(code, CountryGroup(code, name, [])).entities.append(entity)
        return sorted(groups.values(), key=lambda group: (group.code == "",
                                                           sort_key(group.name, self.lang)))
