"""Launch buttons (Binder, Colab) and a repository button, when the book is built from a public
GitHub repository (:func:`.repository.published_repository`). Without one there are no buttons:
they would lead nowhere."""

from __future__ import annotations

from pathlib import Path

from .repository import published_repository

BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
PAGES_BRANCH = "gh-pages"  # where `ghp-import -n -p -f _build/html` publishes the built book


def launch_settings(app, config):
    """Binder through the theme: it opens the chapter's MyST Markdown file in JupyterLab, where
    jupytext (installed with the book; ``postBuild`` makes it the default viewer) runs it."""
    published = published_repository()
    if published is None:
        return
    url, branch = published
    config.html_theme_options.update(
        repository_url=url, repository_branch=branch, path_to_docs="", use_repository_button=True,
        launch_buttons={"binderhub_url": BINDER, "notebook_interface": "jupyterlab"},
    )


def colab_button(app, pagename, templatename, context, doctree):
    """Colab opens only .ipynb files on GitHub, and the chapters are MyST Markdown: its button
    opens the chapter's notebook from the published book (``downloads/notebooks`` on the pages
    branch), whose first cell installs this book's library from the repository."""
    published = published_repository()
    group = next((b for b in context.get("header_buttons", []) if b.get("label") == "launch-buttons"), None)
    if published is None or group is None:
        return
    repo = published[0].removeprefix("https://github.com/")
    group["buttons"].append({
        "type": "link", "text": "Colab", "tooltip": "Launch on Colab", "icon": "_static/images/logo_colab.png",
        "url": f"{COLAB}/github/{repo}/blob/{PAGES_BRANCH}/downloads/notebooks/{Path(pagename).name}.ipynb",
    })
