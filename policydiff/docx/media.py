"""The pictures of a package as data: URIs, found by the hash an image object's identity holds
(``docx.objects`` names each part an object points at by the SHA-1 of its bytes)."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Dict

_PART_HASH = re.compile(r"part:([0-9a-f]{40})")
# Only raster and vector formats a browser shows inline; anything else stays a placeholder.
_SHOWN = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp", "image/bmp"}


def _uris(pkg) -> Dict[str, str]:
    """{sha1 of a part's bytes: data: URI} of the package's image parts."""
    out = {}
    for name in pkg.names:
        ctype = (pkg.content_type(name) or "").lower()
        if ctype not in _SHOWN:
            continue
        data = pkg.read(name) or b""
        out[hashlib.sha1(data).hexdigest()] = f"data:{ctype};base64,{base64.b64encode(data).decode('ascii')}"
    return out


def image_uris(objects: dict, *packages) -> Dict[str, str]:
    """{marker: data: URI} for each image object (``{marker: Obj}``) whose picture a package holds."""
    uris: Dict[str, str] = {}
    for pkg in packages:
        if pkg is not None:
            uris.update(_uris(pkg))
    out = {}
    for marker, obj in objects.items():
        found = [uris[h] for h in _PART_HASH.findall(obj.identity) if h in uris] if obj.kind == "image" else []
        if found:
            out[marker] = found[0]
    return out
