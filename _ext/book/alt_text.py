"""Alt texts: a screen reader reads an image's alt text, and without one Sphinx writes the file
name. Every image of a figure gets one from the figure's caption, its math made readable."""

from __future__ import annotations

import re

from docutils import nodes

TEX_WORDS = {
    "eta": "η", "delta": "δ", "mu": "μ", "sigma": "σ", "alpha": "α", "beta": "β", "pi": "π", "Theta": "Θ",
    "ge": "≥", "geq": "≥", "le": "≤", "leq": "≤", "in": "∈", "infty": "∞", "cdot": "·", "times": "×",
    "approx": "≈", "to": "→", "log": " log ", "exp": " exp ", "ldots": "…", "dots": "…", "cdots": "…", "sqrt": "√",
    "partial": "∂",
}


ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}  # combining characters


def plain_math(tex: str) -> str:
    """LaTeX of a caption's math as text a screen reader can say: Greek letters, relations and
    accents as characters, font and spacing commands dropped (``\\hat\\eta`` -> ``η̂``,
    ``(\\mathcal C - \\mathcal C_n)/\\mathcal C`` -> ``(C - C_n)/C``)."""
    text = tex.replace("\\{", "\x00").replace("\\}", "\x01")
    text = re.sub(r"\\sqrt\s*\{([^{}]*)\}", r"√(\1)", text)
    # fractions, \frac{a}{b} or the short \tfrac13, before other commands are dropped
    def part(term: str) -> str:
        return term if re.fullmatch(r"[\w√().]+", term.strip()) else f"({term.strip()})"

    text = re.sub(r"\\[td]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", lambda m: f"{part(m[1])}/{part(m[2])} ", text)
    text = re.sub(r"\\[td]?frac\s*(\d)\s*(\d)", r"\1/\2 ", text)
    text = re.sub(r"\\(hat|bar|tilde)\s*(\\[A-Za-z]+(?:\s+[A-Za-z](?![A-Za-z]))?|\{[^{}]*\}|\w)",
                  lambda m: plain_math(m[2]) + ACCENTS[m[1]], text)
    text = re.sub(r"\\[,;:! ]", " ", text)
    # a known command becomes its character; any other (fonts: \mathcal, \rm, ...) goes, with its spaces
    text = re.sub(r"\\([A-Za-z]+[0-9]*)(\s*)", lambda m: TEX_WORDS[m[1]] + m[2] if m[1] in TEX_WORDS else "", text)
    text = text.replace("{", "").replace("}", "").replace("\x00", "{").replace("\x01", "}")
    text = re.sub(r"([(/]) +", r"\1", " ".join(text.split()))
    return re.sub(r" +([)/,])", r"\1", text)


def caption_text(caption: nodes.Element) -> str:
    """The caption as plain text, its math made readable by :func:`plain_math`."""
    parts = []
    for node in caption.findall(lambda n: isinstance(n, (nodes.Text, nodes.math))):
        if isinstance(node, nodes.math):
            parts.append(plain_math(node.astext()))
        elif not isinstance(node.parent, nodes.math):
            parts.append(node.astext())
    return " ".join("".join(parts).split())


def caption_alt(caption: str, limit: int = 250) -> str:
    """"Figure: " and the caption's first sentence (the whole caption, cut at ``limit``, when the
    first sentence is very short); abbreviations such as "Fig." do not end a sentence."""
    text = " ".join(caption.split())
    first = re.match(r"(.{20,}?(?<!\bFig)(?<!\be\.g)(?<!\bi\.e)(?<!\bcf)[.;])(\s|$)", text)
    text = first[1] if first else text
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return "Figure: " + text


def looks_like_file_name(alt: str) -> bool:
    alt = alt.strip()
    return bool(re.fullmatch(r"\S+\.(png|jpe?g|svg|gif|webp)", alt, re.I)) or ("/" in alt and " " not in alt)


def figure_alt_texts(app, doctree, docname):
    """A screen reader reads an image's alt text; without one, Sphinx writes the file name. Every
    image inside a figure without a real alt text gets one from the figure's caption."""
    for figure in doctree.findall(nodes.figure):
        caption = next(iter(figure.findall(nodes.caption)), None)
        if caption is None or not caption.astext().strip():
            continue
        for image in figure.findall(nodes.image):
            alt = image.get("alt", "")
            if not alt.strip() or looks_like_file_name(alt):
                image["alt"] = caption_alt(caption_text(caption))
