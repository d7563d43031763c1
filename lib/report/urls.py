"""One scanner for what an HTML page would fetch from the web (the report and the explore files).

``external_urls(page)`` lists the http(s) and protocol-relative URLs a page would *load*: the
``src`` / ``href`` / ``data`` of the tags that load something (script, link, img, iframe, …),
``url(…)`` in style attributes, and ``url(…)`` / ``import(…)`` / ``@import`` in script and style
blocks (comments skipped). ``links=True`` also lists plain links (``<a href>``, any tag's src,
href or data), for files that should not send a reader online either.

>>> page = '<script src="https://cdn.example/x.js"></script><a href="https://a.b">a</a>'
>>> external_urls(page)
['https://cdn.example/x.js']
>>> external_urls(page, links=True)
['https://cdn.example/x.js', 'https://a.b']
"""
import re
from html.parser import HTMLParser

# The attribute through which each tag would load something; <a href> is a plain link, not a load.
RESOURCE_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
                       "embed": "src", "video": "src", "audio": "src", "object": "data", "track": "src",
                       "input": "src"}
LINK_ATTRIBUTES = ("src", "href", "data")
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_OR_JS_URL = re.compile(r"""(?:url\(|import\(|@import)\s*["']?((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# A bundled library's own links to its website (itables', plotly's), unquoted as they emit them.
_LINK_OUT = re.compile(r"<a href=https?://[^>]*>(.*?)</a>", re.DOTALL)


def external_urls(page: str, *, links: bool = False) -> list[str]:
    """URLs on other hosts that ``page`` would load, in document order (plain links too with
    ``links=True``)."""
    finder = _Finder(links)
    finder.feed(page)
    finder.close()
    return finder.urls


def unlink_external(page: str) -> str:
    """``page`` with each unquoted ``<a href=http…>text</a>`` a bundled library writes replaced by
    its text, so that an offline file sends no reader online.

    >>> unlink_external('<p>made with <a href=https://plotly.com/>plotly</a></p>')
    '<p>made with plotly</p>'
    """
    return _LINK_OUT.sub(r"\1", page)


def local_references(page: str) -> list[str]:
    """Every relative src / href / data value in ``page`` (no scheme, not a bare ``#fragment``),
    with its query and fragment removed: the files a copied folder must hold.

    >>> local_references('<img src="figures/a.png"><a href="#top">t</a><a href="t.html?q=x#r">t</a>')
    ['figures/a.png', 't.html']
    """
    finder = _Finder(links=True)
    finder.feed(page)
    finder.close()
    return [re.split(r"[?#]", value)[0] for value in finder.relative if re.split(r"[?#]", value)[0]]


class _Finder(HTMLParser):
    def __init__(self, links):
        super().__init__(convert_charrefs=True)
        self.links, self.urls, self.relative, self._tag = links, [], [], ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = LINK_ATTRIBUTES if self.links else (RESOURCE_ATTRIBUTES.get(tag, ""),)
        for name in names:
            value = attrs.get(name) or ""
            if EXTERNAL.match(value):
                self.urls.append(value)
            elif value and not re.match(r"^\s*([a-z][a-z0-9+.-]*:|#)", value, re.IGNORECASE):
                self.relative.append(value.strip())
        self.urls.extend(CSS_OR_JS_URL.findall(attrs.get("style") or ""))
        self._tag = tag

    def handle_data(self, data):
        if self._tag in ("script", "style"):
            self.urls.extend(CSS_OR_JS_URL.findall(COMMENT.sub("", data)))
