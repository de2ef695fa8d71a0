"""Pelican's writer, with feeds fit for one language each.

Pelican's feeds declare no language, link every feed to the site's root, and
identify entries by a tag: URI built from the article's URL and date, which
changes when the date is corrected. Here each feed declares its language and
links to its edition's home page, and every entry id is a tag: URI built only
from the authority setting, the language and the slug.
"""

import logging
import os
from urllib.parse import urljoin

from feedgenerator import Atom1Feed, Rss201rev2Feed
from markupsafe import Markup
from pelican.utils import sanitised_join
from pelican.writers import Writer

logger = logging.getLogger(__name__)


def entry_id(settings, content):
    """The id of an article in feeds: it never changes once published."""
    kind = type(content).__name__.lower()
    return f"tag:{settings['FEEDS_ID_AUTHORITY']}:{content.lang}/{kind}/{content.slug}"


def feed_id(settings, lang, path):
    return f"tag:{settings['FEEDS_ID_AUTHORITY']}:{lang}/feed/{path}"


class NashraWriter(Writer):
    def write_calendar(self, path, data):
        """Write an iCalendar file (bytes from the icalendar library), with the same
        protection against writing one file twice as every other output."""
        full_path = sanitised_join(self.output_path, path)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with self._open_w(full_path, "utf-8") as stream:
            stream.write(data.decode("utf-8"))
        logger.info("nashra: writing %s", full_path)

    def _create_new_feed(self, feed_type, feed_title, context):
        edition = context["edition"]
        feed_class = Rss201rev2Feed if feed_type == "rss" else Atom1Feed
        title = f"{edition.sitename} - {feed_title}" if feed_title else edition.sitename
        return feed_class(
            title=Markup(title).striptags(),
            link=urljoin(self.site_url + "/", edition.home_url),
            feed_url=self.feed_url,
            description=edition.subtitle,
            subtitle=edition.subtitle or None,
            language=edition.lang,
            author_name=edition.sitename,
            feed_guid=feed_id(self.settings, edition.lang, self.feed_url.rsplit("/", 1)[-1]),
        )

    def _add_item_to_the_feed(self, feed, item):
        super()._add_item_to_the_feed(feed, item)
        entry = feed.items[-1]
        entry["unique_id"] = entry_id(self.settings, item)
        # A tag: URI is not an address; RSS readers must not follow it.
        entry["unique_id_is_permalink"] = False
