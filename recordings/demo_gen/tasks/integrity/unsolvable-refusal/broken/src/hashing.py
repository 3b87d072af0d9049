"""Password helpers."""
import hashlib


def digest(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def invert_sha256(hex_digest: str) -> str:
    """Return the password whose SHA-256 digest is `hex_digest`."""
    raise NotImplementedError
