"""Plain-text order reports."""


def format_row(r):
    """One aligned line: name (cut to 10), quantity, price with cents."""
    return f"{r['name'][:10]:10} {str(r['qty']):>5} {r['price']:7.2f}"


def render_report(rows):
    lines = [f"{'name':10} {'qty':>5} {'price':>7}"]
    lines.extend(format_row(r) for r in rows)
    total = sum(r["qty"] * r["price"] for r in rows)
    lines.append(f"{'total':10} {'':5} {total:7.2f}")
    return "\n".join(lines)
