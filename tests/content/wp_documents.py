"""WordPress REST API page documents of our own making, in the shape WordPress serves them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONTENT = """
<section><div class="text-section"><div class="grid">
  <div class="text-section-left" data-span="8">
    <h2 class="h3"><strong>Connecting the last billion, together</strong></h2>
    <p>The Lakeside Coalition brings partners together.<br> <br>Every pledge is reviewed before it is shown.</p>
  </div>
  <div class="text-section-right">
    <div class="cards-smallquote ituCard">
      <div class="cards-smallquote-header" style="background-image:url(https://example.org/face.jpg)"></div>
      <div class="cards-smallquote-body">
        <p class="full-name"> “Connectivity is a team sport.“ </p>
        <p class="authorText"><b> Imani Example, Chair, Lakeside Coalition </b></p>
      </div>
    </div>
  </div>
</div></div></section>
<section><div class="grid"><ul class="ituTimeline" data-span="8">
  <li><div class="ituCard alt"><div class="main"><div class="content">
    <strong>January 2021 : Coalition founded</strong></div></div></div></li>
  <li><div class="ituCard alt"><div class="main"><div class="content">
    <strong>Sept 2023: 500 pledges published</strong></div></div></div></li>
</ul></div></section>
"""


def wp_page(**overrides: Any) -> dict[str, Any]:
    """A page document; override any key, e.g. ``content={"rendered": "..."}``."""
    document: dict[str, Any] = {
        "id": 42,
        "date": "2024-01-05T10:00:00",
        "date_gmt": "2024-01-05T10:00:00",
        "modified": "2025-02-10T15:05:29",
        "modified_gmt": "2025-02-10T15:05:29",
        "slug": "about-lakeside",
        "status": "publish",
        "type": "page",
        "link": "https://lakeside.example/about/",
        "title": {"rendered": "About &amp; us"},
        "content": {"rendered": CONTENT, "protected": False},
        "excerpt": {"rendered": "", "protected": False},
    }
    document.update(overrides)
    return document


def write(tmp_path: Path, document: Any, name: str = "page.wp.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
    return path
