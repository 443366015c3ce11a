"""Downloading an official text: https only, a time-out, a size cap (§11)."""

from __future__ import annotations

import re

from ..errors import TreatyDraftError, UsageError

TIMEOUT_S = 30
MAX_BYTES = 20 * 1024 * 1024
CELEX = re.compile(r"[0-9CE][0-9]{4}[A-Z]{1,2}[0-9]{1,4}(?:\([0-9]+\))?(?:-[0-9]{8})?")


class FetchError(TreatyDraftError):
    """The document could not be downloaded (exit 2)."""


def celex_url(number: str, lang: str = "en") -> str:
    number = number.strip().upper()
    if not CELEX.fullmatch(number):
        raise UsageError(f"'{number}' is not a CELEX number, e.g. celex:32011L0093")
    if not re.fullmatch(r"[a-z]{2}", lang):
        raise UsageError(f"--lang must be a two-letter language code, e.g. en, not '{lang}'")
    return f"https://eur-lex.europa.eu/legal-content/{lang.upper()}/TXT/HTML/?uri=CELEX:{number}"


def _https_only_redirects():
    """A redirect handler that refuses to follow a redirect away from https."""
    import urllib.request

    class HttpsOnly(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            if not newurl.lower().startswith("https://"):
                raise FetchError(
                    f"{req.full_url}: redirected to a non-https address ({newurl}); not fetched"
                )
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return HttpsOnly()


def download(url: str, *, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> bytes:
    import urllib.error
    import urllib.request

    if not url.lower().startswith("https://"):
        raise UsageError(f"{url}: only https:// addresses are fetched")
    offline = f"cannot reach {url}; download the page and run `sources import FILE`"

    opener = urllib.request.build_opener(_https_only_redirects())
    request = urllib.request.Request(
        url, headers={"User-Agent": "treatydraft (sources import)", "Accept": "*/*"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"{url}: the document is larger than {max_bytes // 2**20} MiB")
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise FetchError(offline) from None
    if len(data) > max_bytes:
        raise FetchError(f"{url}: the document is larger than {max_bytes // 2**20} MiB")
    return data
