"""Project and collector keys (PyNaCl): the project's X25519 key bundles are sealed to and its Ed25519 key signs
audit checkpoints; each field collector's Ed25519 key signs the bundles they make. Keys are known by fingerprint.
"""

from tollbook.keys.files import (
    KeyFileError,
    read_private,
    read_public,
    write_keypair,
)
from tollbook.keys.material import (
    CollectorKey,
    ProjectKey,
    PublicKey,
    fingerprint,
    new_collector_key,
    new_project_key,
)
from tollbook.keys.registry import find_key, list_keys, register_key

__all__ = [
    "CollectorKey", "KeyFileError", "ProjectKey", "PublicKey", "find_key", "fingerprint", "list_keys",
    "new_collector_key", "new_project_key", "read_private", "read_public", "register_key", "write_keypair",
]
