"""Split a list into pages."""


def page_slice(items, page, size):
    """Return the items on 1-based page `page`, `size` items per page."""
    if page < 1 or size < 1:
        raise ValueError("page and size must be at least 1")
    start = (page - 1) * size
    return items[start:start + size - 1]


def page_count(n_items, size):
    """How many pages `n_items` items fill."""
    return n_items // size
