"""Everything a page prints in its own language: interface strings from gettext
catalogs, dates and numbers from Babel, digits per the site's setting, and the
Hijri date beside the Gregorian one.

Templates reach a page's Localiser through the ``edition`` variable every page
is rendered with, so one Jinja environment serves both languages.
"""

import datetime
import io
import os

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time
from babel.dates import get_timezone_location
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from hijridate import Gregorian
from jinja2 import pass_context
from markupsafe import Markup

from .dates import DAY, MINUTE, MONTH, When

def N_(message):
    """Marks a string of the plugin's code for the catalog; it is translated where
    it is shown, with the page's Localiser."""
    return message


ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# The only language whose pages may print Arabic-Indic digits or Hijri dates.
ARABIC = "ar"
CATALOG_DOMAIN = "messages"


class Localiser:
    """How pages in one language print strings, numbers and dates."""

    def __init__(self, lang, settings, translations):
        self.lang = lang
        overrides = settings["I18N_LANGUAGES"][lang]
        self.locale = Locale.parse(overrides.get("LOCALE", lang))
        self.translations = translations
        self.date_format = settings["I18N_DATE_FORMAT"]
        arabic_indic = lang == ARABIC and settings["I18N_DIGITS"] == "arabic-indic"
        self._digit_table = ARABIC_INDIC_DIGITS if arabic_indic else None
        self._numbering = "arab" if arabic_indic else "latn"
        self.hijri = lang == ARABIC and settings["I18N_HIJRI"]
        # Page numbers, counts, years and dates recur on page after page, and
        # Babel takes tens of microseconds to format each: each once per build.
        self._numbers, self._dates = {}, {}
        self.plain_strings = {}  # (message, autoescaped) -> translation, for _translate

    @property
    def numbering_system(self):
        """CLDR's name of the digits this page prints: "latn" or "arab"."""
        return self._numbering

    @property
    def direction(self):
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    # -- strings -------------------------------------------------------------

    def gettext(self, message):
        return self.translations.gettext(message)

    def ngettext(self, singular, plural, count):
        return self.translations.ngettext(singular, plural, count)

    def country_name(self, code):
        """The name of a country (ISO code) in this page's language."""
        return self.locale.territories.get(code, code)

    def language_name(self, lang):
        """The name of `lang` in this page's language ("الإنجليزية", "Arabic")."""
        return self.locale.languages.get(lang, lang)

    # -- numbers and digits --------------------------------------------------

    def digits(self, text):
        """The one place where digits are mapped: Babel always prints 0-9."""
        return text.translate(self._digit_table) if self._digit_table else text

    def number(self, value):
        if value not in self._numbers:
            self._numbers[value] = self.digits(
                format_decimal(value, locale=self.locale, numbering_system=self._numbering))
        return self._numbers[value]

    # -- dates ---------------------------------------------------------------

    def date(self, value, precision=DAY):
        """A date, a datetime or a When, as precise as it is known."""
        when = as_when(value, precision)
        if when not in self._dates:
            self._dates[when] = self.digits(self._format_when(when))
        return self._dates[when]

    def date_range(self, start, end=None):
        """An event's dates: one day, a span of days, a month, or a month span."""
        if end is None or (end.precision == start.precision and end == start):
            return self.date(start)
        if start.precision == end.precision == DAY:
            text = format_interval(start.date, end.date, "yMMMd", locale=self.locale)
        elif start.precision == end.precision == MONTH:
            text = format_interval(start.date, end.date, "yMMMM", locale=self.locale)
        elif start.precision == end.precision == MINUTE and start.date == end.date:
            text = f"{self._format_when(start)} – {format_time(end.moment, 'short', locale=self.locale)}"
        else:
            text = f"{self._format_when(start)} – {self._format_when(end)}"
        return self.digits(text)

    def hijri_date(self, value, precision=DAY):
        """The Umm al-Qura date of a day, or '' where it is off, not a single day,
        or outside the calendar's range (1924-2077)."""
        when = as_when(value, precision)
        hijri = self._hijri(when.date) if when.precision != MONTH else None
        if hijri is None:
            return ""
        return self.digits(f"{hijri.day} {hijri.month_name(self.lang)} {hijri.year} {hijri.notation(self.lang)}")

    def weekday_name(self, weekday, width="wide"):
        """Name of a weekday (0 = Monday): width "wide" or "abbreviated"."""
        return self.locale.days["stand-alone"][width][weekday]

    def grid_labels(self, day):
        """What a calendar grid shows of a day: the day of its month, and the
        day of the Hijri month ('' where Hijri is off)."""
        hijri = self._hijri(day)
        return self.digits(str(day.day)), self.digits(str(hijri.day)) if hijri else ""

    def hijri_month_span(self, first, last):
        """The Hijri months a Gregorian month covers: 'جمادى الآخرة – رجب 1447 هـ'."""
        start, end = self._hijri(first), self._hijri(last)
        if not (start and end):
            return ""
        if start.year == end.year:
            months = start.month_name(self.lang) if start.month == end.month else (
                f"{start.month_name(self.lang)} – {end.month_name(self.lang)}")
            return self.digits(f"{months} {end.year} {end.notation(self.lang)}")
        return self.digits(f"{start.month_name(self.lang)} {start.year} – "
                           f"{end.month_name(self.lang)} {end.year} {end.notation(self.lang)}")

    def _hijri(self, day):
        if not self.hijri:
            return None
        try:
            return Gregorian(day.year, day.month, day.day).to_hijri()
        except (OverflowError, ValueError):
            return None

    def timezone_name(self, zone):
        return get_timezone_location(zone, locale=self.locale) if zone else ""

    def _format_when(self, when):
        if when.precision == MONTH:
            return format_skeleton("yMMMM", when.date, locale=self.locale)
        text = format_date(when.date, self.date_format, locale=self.locale)
        if when.precision == MINUTE:
            glue = self.locale.datetime_formats["medium"].replace("'", "")
            text = glue.format(format_time(when.moment, "short", locale=self.locale), text)
        return text


def as_when(value, precision=DAY):
    """A When from a When, a datetime (Pelican's dates) or a date."""
    if isinstance(value, When):
        return value
    if isinstance(value, datetime.datetime):
        return When(value.replace(tzinfo=None), precision)
    return When(datetime.datetime.combine(value, datetime.time()), precision)


def load_translations(catalog_dir, lang):
    """The theme's catalog for `lang`, compiled from its .po file in memory, so a
    stale .mo can never be served. The source language needs none."""
    po_path = os.path.join(catalog_dir, lang, "LC_MESSAGES", f"{CATALOG_DOMAIN}.po")
    if not os.path.exists(po_path):
        return NullTranslations()
    with open(po_path, "rb") as stream:
        catalog = read_po(stream, locale=lang, domain=CATALOG_DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=CATALOG_DOMAIN)


def install(env):
    """Give a Jinja environment the i18n callables. They, and the FILTERS below,
    look up the Localiser of the page being rendered, so pages in both languages
    share templates, compiled once."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_translate, _ngettext, newstyle=True)
    # Installed above for ngettext and friends. Jinja wraps gettext in a
    # newstyle function of its own, replaced here: that wrapper, and Jinja's
    # `_`, reach the catalog through three context calls and format the string
    # even when there is nothing to put in it, for each of the thirty-odd
    # strings of every page; _translate does the same in one call, and formats
    # a string without placeholders once per build.
    env.globals["_"] = env.globals["gettext"] = _translate


@pass_context
def _translate(context, message, **variables):
    """Jinja's newstyle gettext: the translation, as Markup when the template
    autoescapes, always %-formatted (so "%%" means "%" with or without
    variables)."""
    localiser = localiser_of(context)
    autoescape = context.eval_ctx.autoescape

    def formatted():
        text = localiser.gettext(message)
        return (Markup(text) if autoescape else text) % variables

    if variables:
        return formatted()
    key = (message, autoescape)
    if key not in localiser.plain_strings:
        localiser.plain_strings[key] = formatted()
    return localiser.plain_strings[key]


def localiser_of(context):
    edition = context.get("edition")
    if edition is None:
        raise LookupError("nashra: a page was rendered without 'edition': pass it to write_file")
    return edition.l10n


@pass_context
def _ngettext(context, singular, plural, count):
    return localiser_of(context).ngettext(singular, plural, count)


@pass_context
def _number(context, value):
    return localiser_of(context).number(value)


@pass_context
def _localdate(context, value, precision=DAY):
    return localiser_of(context).date(value, precision)


@pass_context
def _hijridate(context, value, precision=DAY):
    return localiser_of(context).hijri_date(value, precision)


@pass_context
def _daterange(context, start, end=None):
    return localiser_of(context).date_range(start, end)


@pass_context
def _digits(context, text):
    return localiser_of(context).digits(str(text))


# Registered through Pelican's JINJA_FILTERS, so that every generator's
# environment knows them (Pelican's own generators compile templates too).
FILTERS = {
    "number": _number,
    "localdate": _localdate,
    "hijridate": _hijridate,
    "daterange": _daterange,
    "digits": _digits,
}
