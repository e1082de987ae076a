"""One way to download a file: a real request with a timeout, through the system's proxy settings,
checked against its checksum, and never a half-written file left behind."""
from __future__ import annotations

import hashlib
import http.client
import shutil
import urllib.error
import urllib.request
from pathlib import Path

from .files import atomic_file
from .lang import msg

USER_AGENT = "genai-course-helpers"


class DownloadError(OSError):
    """A download did not succeed; the message says which URL and why."""


def download_file(url: str, target: str | Path, timeout: float = 10.0, md5: str | None = None,
                  sha256_prefix: str | None = None) -> Path:
    """Download `url` to `target`; `timeout` seconds per network step; proxies from the environment.

    The file appears at `target` only when it is complete and its checksum (when given) matches; on
    any failure nothing is left behind (no partial file, no folder this call created).
    """
    target = Path(target)
    try:
        with atomic_file(target) as out:
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            opener = urllib.request.build_opener()  # reads http(s)_proxy and no_proxy now, not at first use
            with opener.open(request, timeout=timeout) as response:
                shutil.copyfileobj(response, out, length=1 << 20)
            out.flush()
            _check_sum(Path(out.name), md5, sha256_prefix)
    except (OSError, http.client.HTTPException, ValueError) as err:
        raise DownloadError(f"{url}: {_reason(err, timeout)}") from err
    return target


def _reason(err: BaseException, timeout: float) -> str:
    """A short reason for a failed download."""
    if isinstance(err, (DownloadError, urllib.error.HTTPError)):
        return str(err)
    inner = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(inner, TimeoutError):
        return msg(f"no answer within {timeout:g} s", f"{timeout:g} s में कोई जवाब नहीं आया")
    return f"{type(inner).__name__}: {inner}"


def _check_sum(path: Path, md5: str | None, sha256_prefix: str | None) -> None:
    if md5 is None and sha256_prefix is None:
        return
    algorithm, expected = ("md5", md5) if md5 is not None else ("sha256", sha256_prefix)
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if not digest.hexdigest().startswith(expected):
        raise DownloadError(msg(f"the file arrived damaged ({algorithm} checksum does not match)",
                                f"file खराब होकर पहुँची ({algorithm} checksum मेल नहीं खाता)"))
