from app import page_url
from textutils import slugify


def test_slugify():
    assert slugify("Hello, World!") == "hello-world"


def test_page_url():
    assert page_url("Release notes 2.0") == "/pages/release-notes-2-0"
