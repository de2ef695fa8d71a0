"""What a result kept between builds depends on besides its inputs."""

import hashlib
from importlib.metadata import version
from pathlib import Path


def code_fingerprint(libraries):
    """A sha256 object fed with Nashra's code and the installed versions of
    `libraries`, for the caller to add its inputs to."""
    fingerprint = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        fingerprint.update(path.read_bytes())
    for library in libraries:
        fingerprint.update(f"{library}={version(library)}".encode())
    return fingerprint
