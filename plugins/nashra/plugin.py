"""Signal wiring of the Nashra plugin: register() only connects signals."""

from pelican import signals

from .check import check_content
from .generators import (
    EditionsGenerator,
    EventsGenerator,
    FeedsGenerator,
    ListingsGenerator,
    OrganisationsGenerator,
    SearchGenerator,
    SiteFilesGenerator,
)
from .problems import ContentProblems
from .reader import NashraMarkdownReader
from .search import index_site
from .settings import configure
from .verify import OutputIncomplete, verify_output
from .writer import NashraWriter


def prepare(pelican):
    """Validate the settings, then check the content before anything is read, so
    that its `path:line` messages come first and nothing is half-built."""
    configure(pelican.settings)
    errors = [problem for problem in check_content(pelican.settings) if not problem.warning]
    if errors:
        raise ContentProblems(errors)


def finish(pelican):
    """After writing: index the site for search, then stop the build if anything
    the content promises is missing (the index included)."""
    if pelican.settings["SEARCH_INDEX"]:
        index_site(pelican.settings["OUTPUT_PATH"])
    shortfalls = verify_output(pelican.settings, pelican.settings["OUTPUT_PATH"])
    if shortfalls:
        raise OutputIncomplete(shortfalls)


def use_nashra_reader(readers):
    for extension in NashraMarkdownReader.file_extensions:
        readers.reader_classes[extension] = NashraMarkdownReader


def nashra_generators(pelican):
    # get_generators, because these generators replace Pelican's output; the
    # order matters: the editions first, the files that list every page last.
    return (EditionsGenerator, ListingsGenerator, EventsGenerator, OrganisationsGenerator,
            SearchGenerator, FeedsGenerator, SiteFilesGenerator)


def nashra_writer(pelican):
    return NashraWriter


def register():
    signals.initialized.connect(prepare)
    signals.readers_init.connect(use_nashra_reader)
    signals.get_generators.connect(nashra_generators)
    signals.get_writer.connect(nashra_writer)
    signals.finalized.connect(finish)
