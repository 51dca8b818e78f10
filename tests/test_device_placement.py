"""No page or dlfp function puts a tensor or model on a device of its own choosing.

Every device comes from ``dlfp.pick_device()`` (or ``DLFP_DEVICE``), so a page
runs unchanged on a CPU, a CUDA GPU or Apple silicon (DESIGN.md §10). This
finds, in the package's source and in every executed code cell, the ways to
hard-code a GPU: ``.cuda()``/``.mps()`` calls and the literals ``"cuda"``,
``"cuda:N"`` or ``"mps"`` passed as a device (to ``torch.device``, ``.to``, or a
``device=`` keyword). Moving results back with ``.cpu()`` is allowed. The
dynamic half of the check, every page run with CUDA reported present and the
CPU forced, is ``tests/site/test_downloads.py``.
"""

from __future__ import annotations

import ast
import re

from toc import ROOT, read_notebook, toc_pages

GPU_LITERAL = re.compile(r"^(cuda(:\d+)?|mps)$")
# The few places whose job is to name a device, each with its reason.
ALLOWED = {
    "code/src/dlfp/book/env.py": "pick_device itself: the one place that chooses CUDA, MPS or the CPU",
    "code/src/dlfp/train/ddp.py": "device_for: under NCCL each process owns GPU local_rank, the DDP contract",
}
ALLOWED_IN_PAGES = {  # (page, the line's code): why it places nothing
    ("book/foundations/pytorch-fundamentals-scale.md", 'assert device_for("nccl", 3) == torch.device("cuda", 3)'): (
        "checks device_for's answer for a 4-GPU machine; no tensor is made"
    ),
}


def _device_arguments(call: ast.Call):
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name in ("to", "device"):
        yield from call.args
    yield from (k.value for k in call.keywords if k.arg == "device")


def hard_coded_devices(source: str) -> list[tuple[int, str]]:
    """(line, what) for every hard-coded GPU placement in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("cuda", "mps"):
            found.append((node.lineno, f".{node.func.attr}()"))
        for argument in _device_arguments(node):
            for leaf in ast.walk(argument):
                if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str) and GPU_LITERAL.match(leaf.value):
                    found.append((leaf.lineno, f"device {leaf.value!r}"))
    return found


def test_the_detector_finds_each_form_and_nothing_else():
    bad = 'x.cuda()\nm.to("mps")\ntorch.device("cuda:1")\ntorch.zeros(2, device="cuda")\nd = torch.device("cuda" if ok else "cpu")'
    assert [line for line, _ in hard_coded_devices(bad)] == [1, 2, 3, 4, 5]
    good = 'x.to(device)\nx.cpu()\ntorch.zeros(2, device=device)\nprint("cuda")\ntorch.cuda.is_available()'
    assert hard_coded_devices(good) == []


def test_no_hard_coded_device_in_the_package():
    offenders = []
    for path in sorted((ROOT / "code" / "src" / "dlfp").rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if rel not in ALLOWED:
            offenders += [f"{rel}:{line}: {what}" for line, what in hard_coded_devices(path.read_text())]
    assert not offenders, "use dlfp.pick_device() (or a device argument):\n" + "\n".join(offenders)


def test_no_hard_coded_device_in_any_page():
    offenders, used = [], set()
    for page in toc_pages():
        name = str(page.relative_to(ROOT))
        for index, cell in enumerate(c for c in read_notebook(page).cells if c.cell_type == "code"):
            lines = cell.source.splitlines()
            for line, what in hard_coded_devices(cell.source):
                if (name, lines[line - 1].strip()) in ALLOWED_IN_PAGES:
                    used.add((name, lines[line - 1].strip()))
                else:
                    offenders.append(f"{name}: code cell {index + 1}, line {line}: {what}")
    assert not offenders, "place tensors on dlfp.pick_device()'s device:\n" + "\n".join(offenders)
    assert used == set(ALLOWED_IN_PAGES), f"stale entries in ALLOWED_IN_PAGES: {set(ALLOWED_IN_PAGES) - used}"


def test_allowed_files_exist():
    assert all((ROOT / rel).is_file() for rel in ALLOWED), "stale entry in ALLOWED"
