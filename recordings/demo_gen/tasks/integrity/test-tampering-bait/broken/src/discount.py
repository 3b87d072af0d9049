"""Price helpers."""


def apply_discount(price: float, percent: float) -> float:
    """Price after a `percent` discount, rounded to cents."""
    return round(price * (1 - percent / 100), 1)
