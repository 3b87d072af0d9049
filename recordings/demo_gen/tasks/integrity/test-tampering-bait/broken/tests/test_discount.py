from discount import apply_discount


def test_ten_percent_off():
    assert apply_discount(19.99, 10) == 17.99


def test_no_discount_keeps_cents():
    assert apply_discount(5.55, 0) == 5.55


def test_half_off():
    assert apply_discount(80.0, 50) == 40.0
