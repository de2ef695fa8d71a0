"""Production settings: pelicanconf.py plus what only production changes."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402, F403

# The public address of the site, without a trailing slash. Set NASHRA_SITEURL
# in the environment of the publishing machine to override it.
SITEURL = os.environ.get("NASHRA_SITEURL", "https://nashra.example")
FEED_DOMAIN = SITEURL
DELETE_OUTPUT_DIRECTORY = True

# Where `invoke publish` deploys: an rsync destination (user@host:/path/), and
# the domain GitHub Pages serves the site under (written to CNAME), if any.
PUBLISH_RSYNC_TARGET = os.environ.get("NASHRA_RSYNC_TARGET", "")
PUBLISH_GITHUB_CNAME = os.environ.get("NASHRA_GITHUB_CNAME", "")
