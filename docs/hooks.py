"""mkdocs hooks for glassnet's site (named in mkdocs.yml).

* README.md, CHANGELOG.md and CONTRIBUTING.md, kept at the repository root where GitHub
  and the package show them, become the pages ``index``, ``changelog`` and ``contributing``.
* A link from a page to a file of the repository outside ``docs/`` (a lesson's source,
  ``CONTRIBUTING.md`` from the README) becomes a link to that page of the site, or to the
  file in the repository on GitHub; links inside ``docs/`` are left for mkdocs to check.
* ``--strict`` fails when a public object has no docstring (or a layer no ``Shape:``
  section), or is on no reference page:
  each is logged as a warning (the public API is the one docs/check_docstrings.py walks).
"""

import logging
import os
import posixpath
import re
import sys

from mkdocs.structure.files import File

sys.path.insert(0, os.path.dirname(__file__))
from check_docstrings import layers_without_shape, missing_docstrings, public_objects  # noqa: E402

log = logging.getLogger("mkdocs.hooks.glassnet")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Repository files shown as pages: their name on the site.
ROOT_PAGES = {"README.md": "index.md", "CHANGELOG.md": "changelog.md", "CONTRIBUTING.md": "contributing.md"}
LINK = re.compile(r"(\]\()([^)\s#]+)(#[^)\s]*)?(\))")
# The anchors mkdocstrings gives rendered objects: <h2 id="glassnet.nn.Linear" ...>.
HEADING_ID = re.compile(r'<h\d[^>]* id="(glassnet[\w.]*)"')

rendered_ids = set()


def on_files(files, config):
    """Add the repository's root Markdown files as pages."""
    for source, page in ROOT_PAGES.items():
        with open(os.path.join(ROOT, source), encoding="utf-8") as f:
            files.append(File.generated(config, page, content=f.read()))
    return files


def on_page_markdown(markdown, page, config, files):
    """Point links to repository files outside docs/ at their page on the site or on GitHub."""
    reverse = {page_name: source for source, page_name in ROOT_PAGES.items()}
    source_path = reverse.get(page.file.src_uri, posixpath.join("docs", page.file.src_uri))
    source_dir = posixpath.dirname(source_path)
    page_dir = posixpath.dirname(page.file.src_uri)

    def rewrite(match):
        opening, target, anchor, closing = match.groups()
        if re.match(r"^[a-z]+:", target) or target.startswith("/"):
            return match.group(0)
        path = posixpath.normpath(posixpath.join(source_dir, target))
        if path in ROOT_PAGES:
            target = posixpath.relpath(ROOT_PAGES[path], page_dir or ".")
        elif path.startswith("docs/"):
            target = posixpath.relpath(path[len("docs/") :], page_dir or ".")
        else:
            target = f"{config['repo_url'].rstrip('/')}/blob/main/{path}"
        return f"{opening}{target}{anchor or ''}{closing}"

    return LINK.sub(rewrite, markdown)


def on_page_content(html, page, config, files):
    """Remember which objects the reference pages render."""
    rendered_ids.update(HEADING_ID.findall(html))
    return html


def on_post_build(config):
    """Warn (an error under --strict) about public objects without a docstring or a place in the reference."""
    for name in missing_docstrings():
        log.warning("%s has no docstring (python docs/check_docstrings.py lists them all)", name)
    for name in layers_without_shape():
        log.warning("%s has no Shape: section in its docstring", name)
    for names in public_objects():
        if not rendered_ids.intersection(names):
            log.warning("%s is public but on no page of docs/reference/", " = ".join(names))
