"""The search index: Pagefind, run over the written site as the build's last
step. It makes one index per language from each page's <html lang>, and reads
only what the theme marks with data-pagefind-body (article text, title and
summary), with its filters (category, organisation, year, event or news) and
the date to sort by."""

import subprocess
import sys


class SearchIndexFailed(Exception):
    pass


def index_site(output):
    """Write the Pagefind index into output/pagefind/."""
    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", output, "--silent"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SearchIndexFailed(f"nashra: Pagefind could not index the site:\n{result.stderr.strip()}")
