"""Signal wiring of the Nashra plugin: register() only connects signals."""

import gc

from pelican import signals

from .check import SOURCES, check_sources
from .convert import CONVERSIONS, Conversion
from .data import keep_registry, reading_ahead
from .generators import (
    EditionsGenerator,
    EventsGenerator,
    FeedsGenerator,
    ListingsGenerator,
    OrganisationsGenerator,
    SearchGenerator,
    SiteFilesGenerator,
    defer_pelicans_templates,
)
from .pagecache import FINAL_OUTPUT, IN_PLACE, REUSED_FILES
from .problems import ContentProblems
from .reader import NashraMarkdownReader
from .search import index_site
from .site import every_content
from .settings import configure
from .sources import markdown_files
from .verify import OutputIncomplete, for_verification, verify_output
from .writer import NashraWriter, forget_shown_bodies


def prepare(pelican):
    """Validate the settings, then check the content before anything is read, so
    that its `path:line` messages come first and nothing is half-built. Every
    file is converted meanwhile, in parallel, for the readers to look up, and
    the registries are read ahead (see data.reading_ahead); a content error
    stops the conversion with the build."""
    settings = configure(pelican.settings)
    with reading_ahead(settings), \
            Conversion(settings, markdown_files(settings), settings["BUILD_CACHE"]) as conversion:
        problems, sources = check_sources(settings, read=conversion.data)
        settings[SOURCES] = for_verification(sources)
        errors = [problem for problem in problems if not problem.warning]
        if errors:
            raise ContentProblems(errors)
        settings[CONVERSIONS] = conversion.result()
    keep_registry(settings)
    spare_from_collection()


def spare_from_collection(*_):
    """Leave what the build made so far out of the garbage collector's full
    collections: it lives until the build ends (when build.py thaws it), and
    each full collection would walk all of it again, a dozen times at 4,000
    article pairs (0.7 s)."""
    gc.freeze()


def finish(pelican):
    """After writing: index the site for search, then stop the build if anything
    the content promises is missing (the index included)."""
    if pelican.settings["SEARCH_INDEX"]:
        index_site(pelican.settings["OUTPUT_PATH"])
    settings = pelican.settings
    kept_in = settings[FINAL_OUTPUT] if settings.get(IN_PLACE) else settings["OUTPUT_PATH"]
    shortfalls = verify_output(settings, settings["OUTPUT_PATH"], settings.get(SOURCES),
                               settings.get(REUSED_FILES, frozenset()), kept_in)
    if shortfalls:
        raise OutputIncomplete(shortfalls)


def forget_conversions(generator):
    """Once Pelican has read every file, the conversions' texts live in its
    articles and pages; the page cache needs only their digests. Emptied in
    place: the readers and Pelican's context (a copy of the settings) hold the
    same Conversions, and would keep every conversion's header, title and
    summary alive through the rendering: the peak at 4,000 pairs was 29 MB
    higher, what the rendering child copies included. The articles and pages
    let go of their bodies too: each page loads its own back when it is
    rendered (see convert.Bodies)."""
    conversions = generator.settings[CONVERSIONS]
    conversions.let_bodies_wait(every_content(generator.context))
    forget_shown_bodies()  # any body Pelican was asked for already
    conversions.by_digest.clear()


def drop_pelican_taxonomy(generator):
    """Nashra writes category and tag pages per language. Pelican's own were
    built from the default language only, are never written, and would cost
    time: its generate_tags filters every article list for every tag."""
    generator.tags.clear()
    generator.categories = []
    generator.authors = []


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
    signals.generator_init.connect(defer_pelicans_templates)
    signals.get_generators.connect(nashra_generators)
    signals.get_writer.connect(nashra_writer)
    signals.article_generator_finalized.connect(drop_pelican_taxonomy)
    signals.page_generator_finalized.connect(forget_conversions)
    signals.all_generators_finalized.connect(spare_from_collection)
    signals.finalized.connect(finish)
