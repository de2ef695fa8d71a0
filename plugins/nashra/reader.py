"""Pelican's Markdown reader, taught Nashra's content model.

- ``Date`` may name only a month (``2024-01``): the article sorts by the first
  day of that month and is shown as the month, never as an invented day
  (Pelican's own parser would fill in today's day).
- ``event-*`` fields and ``Organisations`` become typed values.
- Title, summary and text get typography only in the languages that want it,
  and runs in the other script are isolated and labelled (see ``text``).
- The body is sanitised (nh3); title and summary are plain text, escaped here,
  once, so that templates can print them as HTML without trusting what an
  editor typed.
"""

from markupsafe import Markup
from pelican.readers import MarkdownReader

from . import events
from .check import split_list
from .dates import parse_when
from .text import Typographer, isolate_other_script, plain_text_to_html, sanitise


class NashraMarkdownReader(MarkdownReader):
    def __init__(self, settings):
        super().__init__(settings)
        self.typographer = Typographer(settings)

    def process_metadata(self, name, value):
        if name in ("date", "modified"):
            return parse_when(value).moment
        if name in events.FIELDS:
            return events.parse_field(name, value)
        if name == "organisations":
            return tuple(split_list(value))
        return super().process_metadata(name, value)

    def _parse_metadata(self, meta):
        # A field left empty (as in `invoke new`'s scaffold) counts as absent.
        meta = {name: lines for name, lines in meta.items() if "".join(lines).strip()}
        metadata = super()._parse_metadata(meta)
        if "date" in meta:
            metadata["date_precision"] = parse_when(meta["date"][0]).precision
        return metadata

    def read(self, source_path):
        content, metadata = super().read(source_path)
        lang = metadata.get("lang", self.settings["DEFAULT_LANG"])
        content = self.typographer(isolate_other_script(sanitise(content), lang), lang)
        for name in ("title", "summary"):
            if name in metadata:
                metadata[name] = Markup(self.typographer(plain_text_to_html(metadata[name], lang), lang))
        return content, metadata
