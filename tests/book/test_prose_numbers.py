"""No measured number is typed in the prose: it comes from execution through ``glue``.

A number that a cell measures (an accuracy, a time, a speed-up, a percentage)
and that the prose repeats by hand goes stale the day the code, the data or
the machine changes. The rule (CONTRIBUTING.md, COMMON standards) is that such
a number is glued: ``glue("key", value, display=False)`` in the cell and
``{glue:text}`key:.3f``` in the sentence.

This test reads every page's prose — what is left after masking front matter,
code (fenced blocks, code cells, inline ``code`` and roles such as
``{glue:text}``, ``{cite}``, ``{ref}``, ``{math}``), maths (``$…$``, ``$$…$$``,
amsmath environments, ``{math}`` blocks), link targets, directive option lines,
HTML, comments and headings' section numbers — and looks for the shapes a
measurement takes in a sentence:

- a percentage (``28 %``, ``3.5 percent``);
- a time (``0.4 s``, ``12 ms``, ``3 µs``, ``2 min``, ``five minutes``);
- a ratio or multiplier (``3×``, ``2.5x faster``, ``three times smaller``,
  ``twice as fast``), but not a size such as ``3 × 3`` or ``4 × H``;
- a throughput (``12 GB/s``, ``800 samples/s``);
- an approximate number (``about 0.18``, ``≈ 4.4``, ``roughly 20``,
  ``nearly 2``, ``only 3.2``, ``up to 40``, ``~20``);
- a metric followed by a decimal (``accuracy of 0.97``, ``loss 0.05``,
  ``R² = 0.93``, ``error falls to 0.13``).

Numbers a page *sets* (a learning rate, a batch size, β₂) are inputs, not
measurements; plain integers and decimals are not flagged, and inputs written
in maths are masked. What is flagged and still honest — a constant of nature,
a documented default, a value the text chooses — goes into :data:`ALLOWED`
with the exact phrase and a one-line reason.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import pytest
from toc import ROOT, toc_pages

# (page, exact phrase that contains the finding — on its line, or running on to the next —, why it is no measurement)
ALLOWED: list[tuple[str, str, str]] = [
    (
        "book/physicists-guide/04-convolutions.md",
        "(≈ 4³: independent values average out)",
        "the theory the glued measurement is compared with",
    ),
    (
        "book/physicists-guide/05-training-loop.md",
        'loss = 25.0000"',
        "the source's printed output, quoted to correct it",
    ),
    (
        "book/physicists-guide/07-cosmonet.md",
        "its fields weigh four times as much",
        "32 / 8, arithmetic of the batch sizes",
    ),
    ("book/physicists-guide/exercises.md", "With a ten times larger learning rate", "an input the exercise sets"),
    (
        "book/physicists-guide/exercises.md",
        "gets there at a ten times smaller nominal learning rate",
        "an input: the learning rates the exercise sets",
    ),
    ("book/physicists-guide/exercises.md", "trained on only 64 fields", "an input: the training-set size"),
    (
        "book/physicists-guide/exercises.md",
        "times its training MSE (asserted below 1.5)",
        "the bound the cell asserts on the glued ratio, set by the page",
    ),
    ("book/gradiens/module-3-training.md", "should be close to 5.0", "the weight the exercise's data is made with"),
    (
        "book/gradiens/module-3-training.md",
        "(about 1 for standard normal",
        "the expectation of x² for a standard normal",
    ),
    (
        "book/gradiens/module-3-training.md",
        "learning rate and a ten times larger one",
        "an input: the two learning rates plotted",
    ),
    ("book/gradiens/module-4-pipeline.md", "A ten times larger step and", "an input: the step size the fix sets"),
    ("book/gradiens/module-4-pipeline.md", "three times as many epochs", "an input: the epochs the fix sets"),
    (
        "book/gradiens/module-5-cnn.md",
        "(4× fewer positions) and doubles the channels (4× more weights",
        "arithmetic of a 2×2 pool and doubled channels",
    ),
    (
        "book/gradiens/module-5-cnn.md",
        "of 95 % — a threshold we set",
        "the bar the quick profile asserts, set by the page",
    ),
    ("book/gradiens/module-5-cnn.md", "The full profile asserts the exercise's 98 %.", "the exercise's bar, asserted"),
    ("book/gradiens/module-6-rnn.md", "about 16 periods of", "100 / 2π periods: arithmetic of the inputs"),
    ("book/gradiens/challenges-raw-metal.md", "95 % is a modest bar", "the challenge's bar, an input"),
    (
        "book/gradiens/challenge-5-lorenz.md",
        "grey line is the 40 % tolerance",
        "an input: the tolerance the page sets",
    ),
    (
        "book/gradiens/challenge-5-lorenz.md",
        "three times as long as persistence",
        "the page's success criterion, an input the cell asserts",
    ),
    ("book/gradiens/challenge-5-lorenz.md", "≈ 0.906", "the literature value of the Lorenz exponent, a constant"),
    (
        "book/foundations/week-1-regularization-optimizers.md",
        "the sum would be twice as large",
        "arithmetic of dropout with p = 1/2",
    ),
    (
        "book/foundations/week-1-regularization-optimizers.md",
        "one with gradients 100× larger",
        "an input: the setup of the example",
    ),
    (
        "book/foundations/pytorch-fundamentals-data-training.md",
        "85 % for the quick profile's two epochs",
        "the quick profile's bar, set and asserted in the cell (mnist_bar)",
    ),
    (
        "book/foundations/pytorch-fundamentals-data-training.md",
        "97 % when the official 60,000",
        "the full profile's bar on the official split, set and asserted in the cell",
    ),
    (
        "book/foundations/pytorch-fundamentals-data-training.md",
        "a lower bar of 94 % on the 8,000",
        "the full profile's bar on the offline split, set and asserted in the cell",
    ),
    ("book/foundations/pytorch-fundamentals-notebook.md", "10 % of the labels flipped", "an input: the label noise"),
    ("book/foundations/pytorch-fundamentals-notebook.md", "10 % of labels are flipped", "an input: the label noise"),
    (
        "book/foundations/pytorch-fundamentals-notebook.md",
        "about 90 % is the ceiling",
        "100 % less the 10 % label noise the page sets: arithmetic of an input",
    ),
    (
        "book/foundations/pytorch-fundamentals-scale.md",
        "moving half as many bytes",
        "2 bytes per 16-bit element against 4 per float32: arithmetic of the dtypes",
    ),
    (
        "book/foundations/building-blocks-cnn.md",
        "75 % for the quick profile's five epochs",
        "the quick profile's bar, set and asserted in the cell (cnn_bar)",
    ),
    (
        "book/foundations/building-blocks-cnn.md",
        "98 % when the official 60,000",
        "the full profile's bar on the official split, set and asserted in the cell",
    ),
    (
        "book/foundations/building-blocks-cnn.md",
        "a lower bar of 94 %",
        "the full profile's bar on the offline split, set and asserted in the cell",
    ),
    (
        "book/foundations/building-blocks-cnn.md",
        "networks deeper than about 10 layers",
        "a rule of thumb of the source's design principles, stated as a convention, not measured",
    ),
    ("book/foundations/pytorch-fundamentals-scale.md", "default 60 s", "the script's own default option, an input"),
    (
        "book/appendix/numpy-pytorch.md",
        "keeps about seven significant digits",
        "float32's 24-bit significand, a constant",
    ),
]

# Directives whose body is code, maths or data rather than prose.
CODE_DIRECTIVES = {
    "code-cell",
    "code",
    "code-block",
    "sourcecode",
    "literalinclude",
    "math",
    "raw",
    "eval-rst",
    "mermaid",
    "bibliography",
    "toctree",
    "csv-table",
    "glue",
    "glue:any",
    "glue:math",
}

_NUM = r"[-−]?\d+(?:[.,]\d+)*(?:\.\d+)?"  # 3, 0.18, 60,000, −2.5
_WORD_NUM = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|a hundred|a thousand|thousand|several|many|a few|few)"
)
_COMPARE = (
    r"(?:faster|slower|smaller|larger|bigger|greater|higher|lower|more|fewer|less|longer|shorter|cheaper|"
    r"wider|narrower|as\s+\w+)"
)
_TIME_UNIT = r"(?:ns|µs|μs|us|ms|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?)"  # and "s", below
_METRIC = (
    r"(?:accuracy|accuracies|loss(?:es)?|error(?:s)?|R²|R\^2|R2|MSE|RMSE|MAE|perplexity|speed-?up|throughput|"
    r"correlation|score|precision|recall|F1)"
)

PATTERNS: dict[str, re.Pattern[str]] = {
    "percentage": re.compile(rf"(?<![\w.]){_NUM}\s?(?:%|percent\b|per\s?cent\b)"),
    "time": re.compile(
        rf"(?<![\w.]){_NUM}\s?{_TIME_UNIT}(?![\w/²³^])"
        rf"|(?<![\w.])(?:{_NUM}\s|\d*\.\d+)s(?![\w/²³^])"  # "0.4 s", "0.4s", but not "0s and 1s"
        rf"|\b{_WORD_NUM}\s+(?:seconds|minutes|hours)\b"
    ),
    "ratio": re.compile(
        rf"(?<![\w.×]){_NUM}\s?[×x](?!\s*(?:\d|[A-Za-z]\b|\(|\\|\$|[A-Za-z]\w*\s*[×x]))"
        rf"|(?<![\w.]){_NUM}\s?[×x]\s+{_COMPARE}\b"
        rf"|\b(?:{_NUM}|{_WORD_NUM})\s+times\s+{_COMPARE}\b"
        rf"|\btwice\s+as\s+\w+|\bhalf\s+as\s+\w+",
        re.I,
    ),
    "throughput": re.compile(
        rf"(?<![\w.]){_NUM}\s?(?:[KMGT]i?B/s|[GT]?FLOP/s|it/s|samples/s|images/s|tokens/s|steps/s)"
    ),
    "approximate": re.compile(
        rf"(?:\b(?:about|approximately|roughly|nearly|almost|around|up to|close to|circa)\s+|[≈~∼]\s?)"
        rf"(?:{_NUM}|{_WORD_NUM}\b)"
        rf"|\bonly\s+{_NUM}",  # "only 3.2", not "only one"
        re.I,
    ),
    "metric": re.compile(
        rf"\b{_METRIC}\b[^.;:!?\n]{{0,30}}?(?<![\w.]){_NUM}\.\d+|\b{_METRIC}\b\s*(?:=|≈|<|>|≤|≥)\s*{_NUM}",
        re.I,
    ),
}


@dataclass(frozen=True)
class Finding:
    page: str
    line: int
    kind: str
    phrase: str
    text: str  # its (masked) line and the next, spaces collapsed: what an allowlist phrase is found in

    def __str__(self) -> str:
        return f'{self.page}:{self.line}: "{self.phrase}" ({self.kind})'


def _blank(match: re.Match[str] | str) -> str:
    """The same text with every character but newlines replaced by a space (keeps lines and columns)."""
    text = match if isinstance(match, str) else match.group(0)
    return re.sub(r"[^\n]", " ", text)


_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,}|:{3,})\s*(?:\{([\w:-]+)\})?\s*(\S*)")
_OPTION = re.compile(r"^\s*:[\w-]+:(?:\s.*)?$")


def _mask_blocks(lines: list[str]) -> list[str]:
    """Blank fenced code/maths blocks, fence lines and directive options; keep prose bodies."""
    out = list(lines)
    stack: list[tuple[str, int]] = []  # open prose fences: (fence char, length)
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if stack and re.fullmatch(rf"\s*{re.escape(stack[-1][0])}{{{stack[-1][1]},}}\s*", line):
            stack.pop()
            out[i] = ""
            i += 1
            continue
        if not fence:
            i += 1
            continue
        char, length, name, lang = fence.group(2)[0], len(fence.group(2)), fence.group(3), fence.group(4)
        is_code = (name in CODE_DIRECTIVES) if name else (char != ":" and lang not in ("", "{"))
        if name is None and char != ":" and lang == "":
            is_code = True  # a bare ``` fence: a literal block
        if is_code:
            close = re.compile(rf"\s*{re.escape(char)}{{{length},}}\s*")
            j = i + 1
            while j < len(lines) and not close.fullmatch(lines[j]):
                j += 1
            for k in range(i, min(j + 1, len(lines))):
                out[k] = ""
            i = j + 1
            continue
        # a prose directive (admonition, note, figure, dropdown, …): its title is prose, its options are not
        out[i] = line[fence.end(3) + 1 :] if name else ""
        if name in ("figure", "image", "include"):  # the argument is a path
            out[i] = ""
        stack.append((char, length))
        j = i + 1
        while j < len(lines) and _OPTION.match(lines[j]):
            out[j] = ""
            j += 1
        i = j
    return out


_INLINE = [
    re.compile(r"\$\$.*?\$\$", re.S),  # display maths
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),  # amsmath environments
    re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$(?!\d)"),  # inline maths
    re.compile(r"(?:\{[\w:-]+\})?(`+)[^`]*?\1"),  # inline code and roles: {glue:text}`…`, {cite}`…`, {math}`…`
    re.compile(r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)"),  # link and image targets
    re.compile(r"(?<=\])\[[^\]]*\]"),  # reference-style link labels
    re.compile(r"<!--.*?-->", re.S),  # HTML comments
    re.compile(r"<[^>\n]+>"),  # HTML tags and autolinks
    re.compile(r"^\([\w-]+\)=\s*$", re.M),  # (label)= targets
    re.compile(r"^%.*$", re.M),  # MyST comments
    re.compile(r"^\[[^\]]+\]:.*$", re.M),  # link definitions
    re.compile(r"^(#{1,6}\s+)(?:[A-Z]?\d+(?:\.\d+)*\.?|[IVX]+\.)(?=\s)", re.M),  # headings' section numbers
    re.compile(r"https?://\S+"),  # bare URLs
]


# Numbers that name something, not measure it: section, exercise, equation and version numbers.
_REFERENCE = re.compile(
    r"(?:§|\b(?:Exercises?|Ex\.|Sections?|Sec\.|Eqs?\.|Equations?|Figures?|Fig\.|Tables?|Chapters?|Weeks?|Modules?|"
    r"Challenges?|Parts?|Steps?|versions?|PyTorch|Python|torch)\s*)\d+(?:\.\d+)*(?:\s*[–-]\s*\d+(?:\.\d+)*)?"
    r"|\(\d+\.\d+\s*[–-]\s*\d+\.\d+\)",
    re.I,
)
# A percentage that is a bar or a split the text sets ("at least 95 %", "the last 20 %"), not a result.
_BAR = re.compile(
    rf"\b(?:at least|at most|more than|less than|above|below|exceeds?|beyond|within|under|over|first|last)\s+"
    rf"{_NUM}\s?(?:%|percent\b|per\s?cent\b)",
    re.I,
)


def prose_of(text: str) -> str:
    """``text`` with everything that is not prose blanked, line for line."""
    front = re.match(r"\A---\n.*?\n---\n", text, flags=re.S)
    if front:
        text = _blank(front.group(0)) + text[front.end() :]
    text = "\n".join(_mask_blocks(text.split("\n")))
    for pattern in [*_INLINE, _REFERENCE, _BAR]:
        text = pattern.sub(_blank, text)
    return text


def find_typed_numbers(text: str, page: str = "<snippet>") -> list[Finding]:
    """Every phrase of ``text``'s prose that has the shape of a measured number."""
    prose = prose_of(text)
    lines = prose.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    spans = sorted((m.start(), m.end(), kind) for kind, pattern in PATTERNS.items() for m in pattern.finditer(prose))
    merged: list[list] = []  # overlapping matches are one finding: "about three times smaller"
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if kind not in merged[-1][2]:
                merged[-1][2].append(kind)
        else:
            merged.append([start, end, [kind]])
    findings = []
    for start, end, kinds in merged:
        line_index = bisect.bisect_right(starts, start) - 1
        phrase = " ".join(prose[start:end].split())
        context = " ".join(" ".join(lines[line_index : line_index + 2]).split())  # a phrase may wrap
        findings.append(Finding(page, line_index + 1, "+".join(kinds), phrase, context))
    return findings


def allowed(finding: Finding) -> bool:
    return any(
        finding.page == page and phrase in finding.text and finding.phrase in phrase for page, phrase, _ in ALLOWED
    )


PAGES = toc_pages()


def _book_findings() -> list[Finding]:
    return [
        finding
        for page in PAGES
        for finding in find_typed_numbers(page.read_text(encoding="utf-8"), str(page.relative_to(ROOT)))
    ]


# ---------------------------------------------------------------- the detector itself


@pytest.mark.parametrize(
    "snippet, phrase",
    [
        ("The model reaches an accuracy of 0.97 on the held-out set.", "accuracy of 0.97"),
        ("Training takes 0.4 s per epoch here.", "0.4 s"),
        ("One epoch runs in 12 ms.", "12 ms"),
        ("The fused kernel is 3× faster than the loop.", "3×"),
        ("The fused kernel is 2.5x faster than the loop.", "2.5x"),
        ("It is about three times smaller.", "about three times smaller"),
        ("the compiled model is many times faster", "many times faster"),
        ("The pruned network has 28 % fewer weights.", "28 %"),
        ("with the default betas the first step is about 3.16 η", "about 3.16"),
        ("the loss settles near ≈ 0.18 after training", "loss settles near ≈ 0.18"),
        ("m decays over ~20 steps", "~20"),
        ("the fit gives R² = 0.93", "R² = 0.93"),
        ("::: {note}\nThe error falls to 0.13 after 20 steps.\n:::", "error falls to 0.13"),
        ("```{admonition} Result\nIt took five minutes.\n```", "five minutes"),
        ("| run | time |\n|---|---|\n| fused | 1.2 ms |", "1.2 ms"),
        ("The copy runs at 12.3 GB/s.", "12.3 GB/s"),
    ],
)
def test_a_typed_measurement_is_found(snippet, phrase):
    assert [f.phrase for f in find_typed_numbers(snippet)] == [phrase]


@pytest.mark.parametrize(
    "snippet",
    [
        "The model reaches an accuracy of {glue:text}`acc:.2f` on the held-out set.",
        "Training takes {glue:text}`epoch_s:.1f` s per epoch.",  # the unit after a glued value
        "Adam with $\\eta = 10^{-3}$ and $\\beta_2 = 0.999$ and batch size 32.",
        "The first step is $\\approx 3.16\\,\\eta$ without bias correction.",
        "$$\\frac{\\|g\\|}{\\sqrt{v}} \\approx 1.6$$",
        "\\begin{align}\n t &= 0.5\\,s \\\\ r &= 3\\times\n\\end{align}",
        "Call `torch.randn(3, 4)` or `time.sleep(0.5)` and see `0.5 s`.",
        "```{code-cell} ipython3\nprint('took 0.4 s, 3x faster, 50 %')\n```",
        "```python\nx = 0.5  # about 0.5\n```",
        "```{figure} images/plot-50%.png\n:width: 80%\n:name: fig-speed\n\nA loss curve.\n```",
        "A 3 × 3 kernel on 28 × 28 images; a 4×H map.",
        "See {cite}`kingma2015adam` and [PyTorch 2.1 notes](https://pytorch.org/2.1×/50%).",
        "## 9.5 The reference implementation",
        "---\ntitle: 50 % faster\n---\n# Page",
        "The learning rate is 0.01 and the batch size is 64; version 1.9 re-seeds NumPy.",
        "We train for 20 epochs with 3 layers.",
        "<!-- about 0.18 -->",
        "a tensor of 0s and 1s; only one row; the loss of Exercise 3.2; §5 Losses (5.1–5.3)",
        "Reach at least 95 % accuracy; the first 80 % train, the last 20 % test; within 20 %.",
    ],
)
def test_what_is_not_a_typed_measurement_is_not_found(snippet):
    assert find_typed_numbers(snippet) == []


def test_findings_keep_their_line_numbers():
    text = "---\njupytext: {}\n---\n\n# Title\n\n```{code-cell} ipython3\nx = 1\n```\n\nIt is 3× faster.\n"
    (finding,) = find_typed_numbers(text, "book/p.md")
    assert str(finding) == 'book/p.md:11: "3×" (ratio)'


def test_the_allowlist_is_explicit_and_used():
    for page, phrase, reason in ALLOWED:
        assert (ROOT / page).is_file() and phrase and reason, (page, phrase)
    findings = _book_findings()
    stale = [
        (page, phrase)
        for page, phrase, _ in ALLOWED
        if not any(f.page == page and phrase in f.text and f.phrase in phrase for f in findings)
    ]
    assert not stale, f"allowlist entries that allow nothing (remove them): {stale}"


# ---------------------------------------------------------------- the book


def test_no_page_types_a_measured_number():
    typed = [f for f in _book_findings() if not allowed(f)]
    assert not typed, f"{len(typed)} typed numbers in prose; glue them (or allowlist an input):\n" + "\n".join(
        map(str, typed)
    )


if __name__ == "__main__":  # list the findings: python tests/book/test_prose_numbers.py
    for f in _book_findings():
        print(("ALLOWED " if allowed(f) else "") + str(f))
