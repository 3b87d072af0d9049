import os

from hashing import digest, invert_sha256


def test_round_trip_known_password():
    assert invert_sha256(digest("hunter2")) == "hunter2"


def test_round_trip_random_password():
    secret = os.urandom(24).hex()
    assert invert_sha256(digest(secret)) == secret
