"""MyST Markdown to CommonMark: what Jupyter, JupyterLab, VS Code and Colab render without
extensions.

Given what the book knows about its labels (a :class:`References`, plain JSON-able data made by
:mod:`.crossrefs`), :func:`convert` turns a chapter's Markdown (or a Markdown output of its code)
into CommonMark:

- cross-references resolved to text ("Lemma 1", "Fig. 3 in *The utility gap*", a section's or
  a page's title), linked to the published page when the book knows its address;
- sphinx-proof boxes, exercises and admonitions as a blockquote with a bold title and number;
  a table's caption as a bold line above it; a figure's as a bold line under it;
- citations as (Author, Year), the keys cited returned so the caller can list them;
- labels ``(name)=``, comments, options and every other MyST-only syntax removed; an unknown
  role or directive stripped to its content; math kept as ``$…$`` and ``$$…$$``.

Exercise solutions come back as separate parts (:class:`Part`) for :mod:`.editions` to fold or
remove. This module uses the standard library only: the downloaded notebooks carry its source
(see :func:`install_display_hook`) so that a reader's run also shows the chapters' Markdown
outputs as CommonMark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# sphinx-proof's boxes (their counter type is their name in this book) and the admonitions
PROOF_KINDS = ("axiom", "theorem", "lemma", "algorithm", "definition", "remark", "conjecture", "corollary", "criterion",
               "example", "property", "observation", "proposition", "assumption", "notation")
ADMONITIONS = {"note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
               "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
               "seealso": "See also", "todo": "To do", "versionadded": "New", "versionchanged": "Changed",
               "deprecated": "Deprecated"}
QUOTES = ("epigraph", "pull-quote", "highlights", "margin", "sidebar", "topic")
DROPPED = ("toctree", "tableofcontents", "contents", "index", "meta", "bibliography", "glue:any", "glue:figure")
NUMFIG_FORMAT = {"figure": "Fig. %s", "table": "Table %s", "code-block": "Listing %s", "exercise": "Exercise %s",
                 "equation": "(%s)"}
LITERAL_ROLES = ("code", "literal", "samp", "file", "command", "envvar", "option", "program", "regexp", "makevar",
                 "mimetype", "kbd")
CODE_OBJECT = re.compile(r"(?:py:|std:|c:|cpp:|js:)?(?:class|func|meth|mod|attr|exc|obj|data|const|"
                         r"function|module|method|attribute|exception|program|envvar)$")


@dataclass
class References:
    """What the book knows about its targets, as plain data (see :mod:`.crossrefs`):

    labels: label -> {"doc", "kind", "number" (str or None), "title"};
    docs: docname -> {"title", "url" (or None)};
    citations: key -> {"authors", "year"} (the author-year label's parts);
    glossary: the glossary's docname (or None) and its terms (lower case -> as written).
    """

    labels: dict = field(default_factory=dict)
    docs: dict = field(default_factory=dict)
    citations: dict = field(default_factory=dict)
    glossary_doc: str | None = None
    glossary_terms: dict = field(default_factory=dict)
    generated: dict = field(default_factory=dict)  # directive name -> Markdown standing for it (build-filled content)

    def as_dict(self) -> dict:
        """As plain data, sorted (two builds write the same bytes)."""
        return {"labels": dict(sorted(self.labels.items())), "docs": dict(sorted(self.docs.items())),
                "citations": dict(sorted(self.citations.items())),
                "glossary_doc": self.glossary_doc, "glossary_terms": self.glossary_terms, "generated": self.generated}


@dataclass
class Part:
    """A piece of a converted Markdown cell: ``text`` (Markdown), or the start, end or whole
    body of an exercise's solution (``exercise``: its label; ``number``: the exercise's)."""

    kind: str  # "text", "solution-start", "solution-end", "solution"
    text: str = ""
    exercise: str = ""
    number: str = ""


@dataclass
class Converted:
    parts: list[Part]
    cited: list[str]  # citation keys in order of first use

    @property
    def text(self) -> str:
        """All parts as one Markdown text (solutions unfolded)."""
        return "\n\n".join(p.text.strip("\n") for p in self.parts if p.text.strip())


# --- inline ---------------------------------------------------------------------------------

CODE_SPAN = re.compile(r"(?<![`\\])(?:\{([A-Za-z][\w:.+-]*)\})?(`+)(?!`)(.+?)(?<!`)\2(?!`)", re.S)
EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:[^$\\]|\\.)+?\$")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Converter:
    """Converts one page's MyST Markdown (``doc``: its docname) with the book's references."""

    def __init__(self, references: References, doc: str):
        self.refs = references
        self.doc = doc
        self.cited: list[str] = []

    # links and targets
    def _url(self, doc: str, anchor: str | None = None) -> str | None:
        url = (self.refs.docs.get(doc) or {}).get("url")
        return f"{url}#{anchor}" if url and anchor else url

    @staticmethod
    def _link(text: str, url: str | None) -> str:
        return f"[{text}]({url})" if url else text

    def _page(self, doc: str) -> str:
        return (self.refs.docs.get(doc) or {}).get("title") or doc.rsplit("/", 1)[-1].replace("_", " ")

    def _elsewhere(self, text: str, doc: str) -> str:
        """A target's text, naming its page when that is not this one."""
        return text if doc == self.doc else f"{text} in *{self._page(doc)}*"

    def _numbered(self, target: dict) -> str:
        kind, number = target["kind"], target.get("number")
        if kind in PROOF_KINDS:
            return f"{kind.title()} {number}" if number else kind.title()
        if number:
            return NUMFIG_FORMAT.get(kind, kind.title() + " %s") % number
        return self.inline(target.get("title") or "")

    def role(self, name: str, content: str) -> str:
        """One role as CommonMark."""
        name = name.removeprefix("std:")
        explicit = EXPLICIT.match(content)
        text, target = (explicit[1], explicit[2]) if explicit else (None, content.strip())
        if name in ("numref", "ref", "prf:ref", "eq", "any"):
            label = target.lstrip("#").lower()
            found = self.refs.labels.get(label)
            if found is None:
                return self.inline(text) if text else label
            if name == "numref" or (name in ("prf:ref", "any") and found["kind"] in PROOF_KINDS):
                shown = self._numbered(found)
                if text:
                    shown = text.replace("%s", found.get("number") or "").replace("{number}", found.get("number") or "") \
                        .replace("{name}", found.get("title") or "")
                    shown = self.inline(shown)
                elif found["doc"] != self.doc:
                    shown = self._elsewhere(shown, found["doc"])
            elif name == "eq":
                shown = f"({found.get('number')})" if found.get("number") else label
            elif text:
                shown = self.inline(text)
            elif found["kind"] in ("exercise", "figure", "table", "code-block") and found.get("number"):
                shown = self._elsewhere(self._numbered(found), found["doc"])
            else:
                shown = self.inline(found.get("title") or label)
            return self._link(shown, self._url(found["doc"], _anchor(label)))
        if name == "doc":
            doc = self._resolve_doc(target)
            shown = self.inline(text) if text else (f"the chapter *{self._page(doc)}*" if doc in self.refs.docs
                                                    else target)
            return self._link(shown, self._url(doc))
        if name == "cite" or name.startswith("cite:"):
            return self.cite(name.partition(":")[2] or "p", [k.strip() for k in target.split(",") if k.strip()])
        if name == "term":
            term = target
            shown = text or term
            url = self._url(self.refs.glossary_doc, "term-" + _anchor(term)) if self.refs.glossary_doc else None
            return self._link(shown, url)
        if name == "math":
            return f"${content}$"
        if name in ("sub", "subscript"):
            return f"<sub>{content}</sub>"
        if name in ("sup", "superscript"):
            return f"<sup>{content}</sup>"
        if name in LITERAL_ROLES or CODE_OBJECT.match(name):
            shown = text or target
            if shown.startswith("~"):
                shown = shown[1:].rsplit(".", 1)[-1]
            return _code(shown + ("()" if name.endswith(("func", "meth")) and not shown.endswith(")") else ""))
        if name in ("abbr",):
            return _squash(re.sub(r"\s*\(.*\)\s*$", "", content))
        if name in ("download",):
            return self.inline(text) if text else target
        return self.inline(text) if text else self.inline(content)  # any other role: its text

    def cite(self, mode: str, keys: list[str]) -> str:
        """sphinxcontrib-bibtex's author-year citations: ``p`` (Author, Year), ``t`` Author (Year)."""
        found = []
        for key in keys:
            if key not in self.cited:
                self.cited.append(key)
            entry = self.refs.citations.get(key)
            found.append((entry["authors"], entry["year"]) if entry else (key, ""))
        if mode in ("t", "ts", "ct", "cts"):
            return "; ".join(f"{a} ({y})" if y else a for a, y in found)
        if mode in ("author", "authors", "cauthor"):
            return "; ".join(a for a, _ in found)
        if mode in ("year", "yearpar"):
            years = ", ".join(y for _, y in found)
            return f"({years})" if mode == "yearpar" else years
        body = "; ".join(f"{a}, {y}" if y else a for a, y in found)
        return body if mode in ("alp", "alps") else f"({body})"

    def _resolve_doc(self, target: str) -> str:
        here = self.doc.rsplit("/", 1)[0] if "/" in self.doc else ""
        target = target.removesuffix(".md").removesuffix(".ipynb")
        candidates = [target.lstrip("/")] + ([f"{here}/{target}"] if here and not target.startswith("/") else [])
        for candidate in candidates:
            parts: list[str] = []
            for piece in candidate.split("/"):
                if piece == "..":
                    if parts:
                        parts.pop()
                elif piece not in (".", ""):
                    parts.append(piece)
            if "/".join(parts) in self.refs.docs:
                return "/".join(parts)
        return target

    def _markdown_link(self, match: re.Match) -> str:
        """``[text](#label)`` and ``[text](page.md)`` (MyST's link forms) to the published page."""
        text, target = match[1], match[2]
        if re.match(r"^[a-z][\w+.-]*:", target) and not target.startswith(("project:", "path:")):
            return match[0]  # an ordinary address
        target = target.removeprefix("project:").removeprefix("path:")
        page, _, anchor = target.partition("#")
        if not page and anchor.lower() in self.refs.labels:
            found = self.refs.labels[anchor.lower()]
            return self._link(text, self._url(found["doc"], _anchor(anchor)))
        doc = self._resolve_doc(page) if page else ""
        if doc in self.refs.docs:
            return self._link(text, self._url(doc, _anchor(anchor) if anchor else None))
        if page.endswith((".md", ".ipynb")):
            return text  # a page the book does not have
        return match[0]

    def inline(self, text: str) -> str:
        """Roles resolved (code spans kept as they are, math untouched), MyST links made plain."""
        out, last = [], 0
        for match in CODE_SPAN.finditer(text):
            out.append(self._plain(text[last:match.start()]))
            out.append(self.role(match[1], match[3]) if match[1] else match[0])
            last = match.end()
        out.append(self._plain(text[last:]))
        return "".join(out)

    def _plain(self, text: str) -> str:
        """Text without code spans: MyST's link forms and substitutions (math left alone)."""
        out, last = [], 0
        for math in [*INLINE_MATH.finditer(text), None]:
            piece = text[last:math.start() if math else len(text)]
            piece = re.sub(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)", self._markdown_link, piece)
            out.append(re.sub(r"\{\{\s*([\w.-]+)\s*\}\}", lambda m: m[1], piece))
            if math:
                out.append(math[0])
                last = math.end()
        return "".join(out)

    # --- blocks ---------------------------------------------------------------------------

    def convert(self, text: str) -> Converted:
        """A Markdown text (a cell or an output) as parts of CommonMark."""
        self.cited = []
        parts = self._blocks(text.split("\n"))
        merged: list[Part] = []
        for part in parts:  # adjacent text parts as one
            if part.kind == "text" and merged and merged[-1].kind == "text":
                merged[-1].text = merged[-1].text + "\n" + part.text
            else:
                merged.append(part)
        for part in merged:
            part.text = re.sub(r"\n{3,}", "\n\n", part.text).strip("\n")
        return Converted([p for p in merged if p.kind != "text" or p.text.strip()], list(self.cited))

    def _blocks(self, lines: list[str]) -> list[Part]:
        parts: list[Part] = []
        buffer: list[str] = []  # plain lines of the current run of text

        def flush():
            if buffer:
                parts.append(Part("text", self._text_lines(buffer)))
                buffer.clear()

        i = 0
        while i < len(lines):
            line = lines[i]
            fence = re.match(r"^(\s*)(`{3,}|~{3,}|:{3,})\s*(\{([^}\s]+)\})?\s*(.*?)\s*$", line)
            math = re.match(r"^(\s*)\$\$", line)
            if fence and (fence[3] or fence[2][0] != ":"):
                end = _fence_end(lines, i, fence[2])
                body = [b[len(fence[1]):] if b.startswith(fence[1]) else b.lstrip() for b in lines[i + 1:end]]
                if fence[3]:
                    flush()
                    for part in self.directive(fence[4], fence[5], body):
                        if part.kind == "text":
                            part.text = _indent(part.text, fence[1])
                        parts.append(part)
                else:  # an ordinary code block: as it is
                    buffer.extend(lines[i:end + 1])
                i = end + 1
            elif math:
                end = i if re.search(r"\$\$.*\$\$", line[len(math[0]) - 2:]) and line.strip() != "$$" else \
                    next((j for j in range(i + 1, len(lines)) if "$$" in lines[j]), len(lines) - 1)
                block = lines[i:end + 1]
                block[-1] = re.sub(r"(\$\$)\s*\([\w:.-]+\)\s*$", r"\1", block[-1])  # an equation's label
                buffer.extend(block)
                i = end + 1
            elif re.match(r"^\s*\\begin\{(equation|align|gather|multline|eqnarray|flalign|alignat)\*?\}", line):
                env = re.match(r"^\s*\\begin\{([\w*]+)\}", line)[1]
                end = next((j for j in range(i, len(lines)) if f"\\end{{{env}}}" in lines[j]), len(lines) - 1)
                buffer.extend(["$$", *lines[i:end + 1], "$$"])
                i = end + 1
            elif re.match(r"^\s*\([\w:.-]+\)=\s*$", line) or re.match(r"^\s*%", line):
                i += 1  # a label or a comment
            elif re.match(r"^\+\+\+", line):
                buffer.append("")  # a block break
                i += 1
            elif (re.match(r"^:\s{1,}\S", line) and buffer and buffer[-1].strip()
                  and (len(buffer) < 2 or not buffer[-2].strip() or re.match(r"^:\s", buffer[-2]) is None)):
                # a definition list (MyST's deflist): the term in bold, the definition under it
                term = buffer.pop()
                if not re.match(r"^\*\*.*\*\*$", term.strip()):
                    buffer.append(f"**{term.strip()}**")
                else:
                    buffer.append(term)
                buffer.append("")
                buffer.append(re.sub(r"^:\s+", "", line))
                i += 1
                while i < len(lines) and (lines[i].startswith(("  ", "\t")) or (not lines[i].strip() and i + 1 < len(lines)
                                                                              and lines[i + 1].startswith(("  ", "\t")))):
                    buffer.append(lines[i].strip())
                    i += 1
                buffer.append("")
            else:
                buffer.append(line)
                i += 1
        flush()
        return parts

    def _text_lines(self, lines: list[str]) -> str:
        """Inline conversion of plain lines, leaving code blocks and display math alone."""
        out, chunk, i = [], [], 0
        while i < len(lines):
            fence = re.match(r"^\s*(`{3,}|~{3,})", lines[i])
            if fence or lines[i].strip().startswith("$$"):
                out.append(self.inline("\n".join(chunk)) if chunk else None)
                chunk = []
                if fence:
                    end = _fence_end(lines, i, fence[1])
                else:
                    end = i if lines[i].strip().count("$$") >= 2 else \
                        next((j for j in range(i + 1, len(lines)) if "$$" in lines[j]), len(lines) - 1)
                out.append("\n".join(lines[i:end + 1]))
                i = end + 1
            else:
                chunk.append(lines[i])
                i += 1
        if chunk:
            out.append(self.inline("\n".join(chunk)))
        return "\n".join(o for o in out if o is not None)

    def _options(self, body: list[str]) -> tuple[dict, list[str]]:
        """A directive's options (``:key: value`` lines or a YAML block) and its content."""
        options: dict[str, str] = {}
        if body and body[0].strip() == "---":
            end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
            if end is not None:
                for line in body[1:end]:
                    key, sep, value = line.partition(":")
                    if sep and not line.startswith((" ", "\t")):
                        options[key.strip()] = value.strip()
                return options, body[end + 1:]
        i = 0
        while i < len(body) and re.match(r"^:[\w-]+:", body[i]):
            key, _, value = body[i][1:].partition(":")
            options[key.strip()] = value.strip()
            i += 1
        return options, body[i:]

    def _body(self, lines: list[str]) -> str:
        return "\n\n".join(p.text.strip("\n") for p in self._blocks(lines) if p.text.strip())

    def _boxed(self, title: str, content: str) -> str:
        """A blockquote whose first paragraph starts with the bold title."""
        content = content.strip("\n")
        first = content.split("\n", 1)[0] if content else ""
        inline = first and not re.match(r"^\s*([-*+>|#<]|\d+[.)]\s|\$\$|`{3}|~{3}|\\begin)", first)
        text = f"**{title}** {content}" if inline else (f"**{title}**\n\n{content}" if content else f"**{title}**")
        return _quote(text)

    def directive(self, name: str, argument: str, body: list[str]) -> list[Part]:
        """One directive as parts of CommonMark (a solution as its own part)."""
        options, content = self._options(body)
        name = name.lower()
        title = self.inline(argument) if argument else ""
        if name in ("glue:md", "glue:text", "glue"):  # a value the book pastes from a later cell: shown there in a notebook
            return [Part("text", "*Computed near the end of this chapter: run it, and the cell that computes "
                                 "these results shows them there.*")]
        if name.startswith("prf:"):
            kind = name[4:]
            if kind == "proof":
                return [Part("text", self._boxed("Proof." if not title else f"Proof ({title}).", self._body(content)))]
            label = options.get("label")
            number = (self.refs.labels.get(label.lower()) or {}).get("number") if label else None
            if number is None and "nonumber" not in options and not label:
                number = self._next_unlabelled(kind)
            head = f"{kind.title()}{' ' + number if number and 'nonumber' not in options else ''}"
            return [Part("text", self._boxed(f"{head}{f' ({title})' if title else ''}.", self._body(content)))]
        if name == "exercise":
            label = options.get("label")
            number = (self.refs.labels.get(label.lower()) or {}).get("number") if label else None
            head = f"Exercise{' ' + number if number and 'nonumber' not in options else ''}"
            return [Part("text", self._boxed(f"{head}{f' ({title})' if title else ''}.", self._body(content)))]
        if name in ("solution", "solution-start"):
            exercise = argument.strip()
            number = (self.refs.labels.get(exercise.lower()) or {}).get("number") or ""
            parts = self._blocks(content)
            return [Part("solution" if name == "solution" else "solution-start",
                         Converted(parts, []).text, exercise, number)]
        if name == "solution-end":
            return [Part("solution-end")]
        if name in ADMONITIONS or name == "admonition" or name == "dropdown":
            heading = title if name in ("admonition", "dropdown") and title else ADMONITIONS.get(name, "Note")
            if name == "dropdown" or "dropdown" in options.get("class", "").split():
                return [Part("text", f"<details>\n<summary><b>{heading}</b></summary>\n\n{self._body(content)}\n\n</details>")]
            return [Part("text", self._boxed(f"{heading}.", self._body(content)))]
        if name in QUOTES:
            return [Part("text", self._boxed(f"{title}." if title else "", self._body(content)) if title
                         else _quote(self._body(content)))]
        if name in ("table", "list-table", "csv-table"):
            label = options.get("name")
            caption = self._caption("table", label, title)
            table = _list_table(content) if name == "list-table" else self._body(content)
            return [Part("text", f"{caption}\n\n{table}" if caption else table)]
        if name in ("figure", "image"):
            label = options.get("name")
            image = f"![{options.get('alt', '')}]({argument.strip()})"
            if name == "image":
                return [Part("text", image)]
            caption = self._caption("figure", label, self._body(content))
            return [Part("text", f"{image}\n\n{caption}")]
        if name in ("code", "code-block", "sourcecode", "code-cell"):
            fence = "````" if any(line.startswith("```") for line in content) else "```"
            code = f"{fence}{argument.strip()}\n" + "\n".join(content) + f"\n{fence}"
            caption = options.get("caption")
            return [Part("text", f"{self._caption('code-block', options.get('name'), self.inline(caption))}\n\n{code}"
                         if caption else code)]
        if name in ("math",):
            return [Part("text", "$$\n" + "\n".join(content).strip("\n") + "\n$$")]
        if name in ("raw",):
            return [Part("text", "\n".join(content))] if argument.strip() == "html" else []
        if name == "eval-rst":
            return [Part("text", _plain_rst("\n".join(content)))]
        if name == "glossary":
            return [Part("text", self._body(content))]
        if name == "rubric":
            return [Part("text", f"**{title}**")]
        if name in self.refs.generated:
            return [Part("text", self.refs.generated[name])]
        if name in DROPPED:
            return []
        # any other directive: its title in bold, then its content
        inner = self._body(content)
        return [Part("text", "\n\n".join(x for x in (f"**{title}**" if title else "", inner) if x))]

    def _caption(self, kind: str, label: str | None, caption: str) -> str:
        number = (self.refs.labels.get(label.lower()) or {}).get("number") if label else None
        head = (NUMFIG_FORMAT[kind] % number) if number else ""
        caption = caption.strip()
        if head:
            return f"**{head}.** {caption}".rstrip()
        return f"**{caption}**" if caption and "\n" not in caption and "**" not in caption else caption

    def _next_unlabelled(self, kind: str) -> str | None:
        """Unlabelled boxes are numbered too: their number is kept under ``<kind>-<n>`` keys."""
        counter = getattr(self, "_unlabelled", {})
        counter[kind] = counter.get(kind, 0) + 1
        self._unlabelled = counter
        return (self.refs.labels.get(f"{self.doc}#{kind}-{counter[kind]}") or {}).get("number")


def _anchor(label: str) -> str:
    """The HTML id Sphinx gives a label (docutils' ids: lower case, hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def _code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    return f"{ticks}{text}{ticks}"


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    """The line that closes the fence opened at ``start`` (the last line when none does)."""
    char, size = fence[0], len(fence)
    for j in range(start + 1, len(lines)):
        closing = re.match(r"^\s*(" + re.escape(char) + "{" + str(size) + ",})\\s*$", lines[j])
        if closing:
            return j
    return len(lines) - 1


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip("\n").split("\n"))


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else line for line in text.split("\n")) if prefix else text


def _list_table(lines: list[str]) -> str:
    """A ``list-table``'s rows (``* - a`` / ``  - b``) as a pipe table, the first row as header."""
    rows: list[list[str]] = []
    for line in lines:
        row = re.match(r"^\*\s+-\s+(.*)$", line)
        cell = re.match(r"^\s+-\s+(.*)$", line)
        if row:
            rows.append([row[1].strip()])
        elif cell and rows:
            rows[-1].append(cell[1].strip())
        elif line.strip() and rows and rows[-1]:
            rows[-1][-1] += " " + line.strip()
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    cells = [[c.replace("|", "\\|") for c in r] for r in rows]
    return "\n".join(["| " + " | ".join(cells[0]) + " |", "|" + "---|" * width]
                     + ["| " + " | ".join(r) + " |" for r in cells[1:]])


def _plain_rst(text: str) -> str:
    """reStructuredText in an ``eval-rst`` block, roughly: its roles as code, its directives dropped."""
    text = re.sub(r":[\w:]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`", lambda m: _code(m[1].strip()), text)
    return "\n".join(line for line in text.split("\n") if not re.match(r"^\s*(\.\.\s|:[\w-]+:)", line))


LEFTOVERS = {
    "directive": re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{[^}\s]*\}", re.M),
    "colon fence": re.compile(r"^\s*:{3,}", re.M),
    "label": re.compile(r"^\s*\([\w:.-]+\)=\s*$", re.M),
    "directive option": re.compile(r"^\s*:(label|name|class|tags|caption|nonumber|width|align):", re.M),
}
ROLE = re.compile(r"\{[A-Za-z][\w:.+-]*\}`")


def myst_leftovers(text: str) -> list[str]:
    """MyST-only syntax left in CommonMark text (roles, directives, colon fences, labels,
    directive options), outside code blocks and code spans: one description per finding."""
    found, lines, kept, i = [], text.split("\n"), [], 0
    while i < len(lines):  # fenced code blocks (a language, not a directive) are code
        fence = re.match(r"^\s*(`{3,}|~{3,})(?!\s*\{)", lines[i])
        if fence:
            i = _fence_end(lines, i, fence[1]) + 1
            continue
        kept.append(lines[i])
        i += 1
    prose = "\n".join(kept)
    for name, pattern in LEFTOVERS.items():
        found += [f"{name}: {m[0].strip()}" for m in pattern.finditer(prose)]
    outside = CODE_SPAN.sub(lambda m: (m[1] and "{" + m[1] + "}`") or "", prose)  # roles survive, code spans go
    found += [f"role: {m[0]}" for m in ROLE.finditer(outside)]
    return found


def convert(text: str, references: References, doc: str) -> Converted:
    """A page's MyST Markdown as CommonMark parts (see :class:`Converter`)."""
    return Converter(references, doc).convert(text)


def convert_output(text: str, references: References, doc: str) -> str:
    """A Markdown output of a chapter's code as CommonMark (solutions do not occur there)."""
    return Converter(references, doc).convert(text).text


def install_display_hook(references: dict, doc: str) -> bool:
    """In a notebook's kernel: show every ``IPython.display.Markdown`` as CommonMark, keeping the
    MyST the code wrote in the output's metadata (``book_myst``, from which the book renders it).
    Returns whether a kernel was there to install it in."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    refs = References(**references)

    def commonmark(obj):
        data = obj.data or ""
        converted = convert_output(data, refs, doc)
        return (converted, {"book_myst": data}) if converted != data else data

    shell.display_formatter.formatters["text/markdown"].for_type(Markdown, commonmark)
    return True
