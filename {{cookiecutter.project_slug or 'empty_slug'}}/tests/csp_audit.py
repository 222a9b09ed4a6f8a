"""Read a page as a browser enforcing the Content Security Policy would, without a browser.

`PageAudit` lists what the policy in config/settings/base.py would block on a page (inline code
without the request's nonce, event-handler attributes, javascript: URLs, files from elsewhere)
and the links to follow from it.
"""

import re
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from django.http.response import ResponseHeaders

# <script type> values that run as JavaScript; others (application/json) are data.
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})
NONCE = re.compile(r"'nonce-(?P<nonce>[^']+)'")


class Response(Protocol):
    """What the audit reads of a response (Django's test client returns a subclass)."""

    @property
    def headers(self) -> ResponseHeaders: ...

    @property
    def content(self) -> bytes: ...


def nonce_of(response: Response) -> str | None:
    """The nonce that the response's Content-Security-Policy header allows, if any."""
    match = NONCE.search(response.headers.get("Content-Security-Policy", ""))
    return match["nonce"] if match else None


class PageAudit(HTMLParser):
    def __init__(self, path: str, nonce: str | None) -> None:
        super().__init__()
        self.path = path
        self.nonce = nonce
        self.blocked: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.blocked.extend(
            f"<{tag} {name}>: inline event handler" for name in attributes if name.startswith("on")
        )
        self.blocked.extend(
            f"<{tag} {name}={value!r}>: javascript: URL"
            for name, value in attributes.items()
            if value.strip().lower().startswith("javascript:")
        )
        inline_script = tag == "script" and "src" not in attributes
        runs = attributes.get("type", "").lower() in SCRIPT_TYPES
        if (tag == "style" or (inline_script and runs)) and attributes.get("nonce") != self.nonce:
            self.blocked.append(f"<{tag}> without the request's nonce")
        resource = urlsplit(
            attributes.get("src") or (attributes.get("href", "") if tag == "link" else "")
        )
        schemes = {"", "data"} if tag == "img" else {""}  # the policy allows data: images only
        if resource.netloc or resource.scheme not in schemes:
            self.blocked.append(f"<{tag}> loads {resource.geturl()!r} from another site")
        if tag == "a" and attributes.get("href"):
            self.links.append(urljoin(self.path, attributes["href"]))


def audit(path: str, response: Response) -> PageAudit:
    """The audit of one HTML response; the request's path resolves its relative links."""
    page = PageAudit(path, nonce_of(response))
    page.feed(response.content.decode())
    page.close()
    return page
