"""What a result kept between builds depends on besides its inputs."""

import hashlib
import shutil
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


def forget_other_versions(folder):
    """Remove the siblings of the cache folder `folder` that hold another
    version of it: the same name before the first "-", or none (an older,
    unversioned folder)."""
    kind = folder.name.split("-", 1)[0]
    for other in folder.parent.glob(f"{kind}*"):
        if other != folder:
            shutil.rmtree(other, ignore_errors=True)
