"""Plain-text order reports."""


def render_report(rows):
    lines = [f"{'name':10} {'qty':>5} {'price':>7}"]
    for r in rows:
        name = r["name"][:10]
        qty = str(r["qty"])
        price = f"{r['price']:.2f}"
        lines.append(f"{name:10} {qty:>5} {price:>7}")
    total = sum(r["qty"] * r["price"] for r in rows)
    lines.append(f"{'total':10} {'':5} {total:7.2f}")
    return "\n".join(lines)
