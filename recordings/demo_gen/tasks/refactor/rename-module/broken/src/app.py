from utils_old import slugify


def page_url(title: str) -> str:
    return "/pages/" + slugify(title)
