"""``glassnet lesson NAME --notebook``: a lesson as a Jupyter notebook, to read, change and run again.

The notebook is made from the lesson's own source, so it runs exactly what
``glassnet lesson NAME`` runs, one step per cell:

1. the lesson's docstring, as markdown: what the slides say and what the lesson checks;
2. its imports, its constants and functions (one cell each);
3. the code of its figures, folded away (``draw_*`` functions; open them to see how a figure is made);
4. the settings, ``run``'s arguments (``quick``, ``out_dir``, …);
5. the body of ``run``, cut into cells where the source has a blank line; its
   ``return`` becomes ``results = …``, the dict ``glassnet.lessons.run(NAME)`` returns.

Inside Jupyter the figures show below the cells that draw them.  Building the
notebook needs ``nbformat`` (the ``notebook`` extra); running it needs Jupyter
(or any kernel for Python with glassnet installed).
"""

import ast
import inspect
import os
import re
import textwrap

from .._extras import install_hint

SETTINGS = {
    "out_dir": "a folder name: also write the figures there as PNG files (they show below in any case)",
    "quick": "True: a smaller, faster run (fewer steps, less data)",
}

HOW_TO = (
    "This notebook runs the lesson's own code, one step per cell. Change a number or a line and run the cell "
    "again, and the cells below it (*Run All* runs the whole lesson again). The code that draws the figures is "
    "folded away under *The figures*: open it to see how a figure is made."
)


def markdown_of(docstring):
    """The lesson's docstring as markdown: its first line a heading, ``code`` as `code`, ``::`` as ``:``."""
    first, _, rest = inspect.cleandoc(docstring).partition("\n")
    return f"# {first.rstrip('.')}\n\n{markdown_text(rest.strip())}"


def markdown_text(text):
    """reST's ``code`` as markdown's `code`, and a paragraph's closing ``::`` as ``:``."""
    return re.sub(r"::$", ":", re.sub(r"``([^`]+)``", r"`\1`", text), flags=re.MULTILINE)


def absolute_imports(code):
    """``from .common import …`` → ``from glassnet.lessons.common import …``: a notebook is not in the package."""
    return re.sub(
        r"^(\s*)from \.(\S*) import",
        lambda m: (
            f"{m.group(1)}from glassnet.lessons.{m.group(2)} import"
            if m.group(2)
            else f"{m.group(1)}from glassnet.lessons import"
        ),
        code,
        flags=re.MULTILINE,
    )


def segment(lines, first, last):
    """Source lines ``first``..``last`` (1-based, inclusive) with the comment lines right above them, dedented."""
    first -= 1
    while first > 0 and lines[first - 1].strip().startswith("#"):
        first -= 1
    return textwrap.dedent("\n".join(lines[first:last]))


def is_docstring(node):
    """Whether the statement ``node`` is a bare string: a module's or function's docstring."""
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def definition_cells(tree, lines):
    """The module's top level as (kind, code): "imports", "code" (constants, functions) and "figures" (``draw_*``).

    Consecutive imports make one cell, and so do consecutive assignments; each function is a cell of its own.
    ``TITLE`` (the heading already says it) and ``run`` (cut into steps by ``step_cells``) are left out.
    """
    cells = []
    for node in tree.body:
        if is_docstring(node) or getattr(node, "name", None) == "run":
            continue
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["TITLE"]:
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            kind = "imports"
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("draw"):
            kind = "figures"
        else:
            kind = "code"
        code = segment(lines, node.lineno, node.end_lineno)
        if kind == "imports":
            code = absolute_imports(code)
        joins = kind == "imports" or isinstance(node, ast.Assign)
        if cells and joins and cells[-1][0] == kind and cells[-1][2]:
            cells[-1] = (kind, cells[-1][1] + "\n" + code, True)
        else:
            cells.append((kind, code, joins))
    return [(kind, code) for kind, code, _ in cells]


def step_cells(run, lines):
    """The body of ``run`` cut into cells at its blank lines; ``return X`` becomes ``results = X``."""
    body = [node for node in run.body if not is_docstring(node)]
    returns = [node for node in ast.walk(ast.Module(body=body, type_ignores=[])) if isinstance(node, ast.Return)]
    if returns != [body[-1]] * len(returns):
        raise ValueError(f"notebook: line {returns[0].lineno}: run() may return only at its end, to be cut into cells")
    groups = []
    for node in body:
        previous = groups[-1][-1] if groups else None
        starts_group = previous is None or any(
            not line.strip() for line in lines[previous.end_lineno : node.lineno - 1]
        )
        if starts_group or isinstance(node, ast.Return):  # the results get a cell of their own
            groups.append([node])
        else:
            groups[-1].append(node)
    cells = []
    for group in groups:
        code = segment(lines, group[0].lineno, group[-1].end_lineno)
        if isinstance(group[-1], ast.Return):
            code = re.sub(r"^return ", "results = ", code, count=1, flags=re.MULTILINE)
        cells.append(code)
    return cells


def settings_cell(run, quick):
    """``run``'s arguments as variables, with their defaults (``quick`` as asked), each explained."""
    lines = []
    for name, parameter in inspect.signature(run).parameters.items():
        value = quick if name == "quick" else parameter.default
        comment = SETTINGS.get(name, "an argument of run(); see the lesson's module")
        lines.append(f"{name} = {value!r}  # {comment}")
    return "\n".join(lines)


def build(name, quick=False):
    """Lesson ``name`` (a name or a number) as an ``nbformat`` notebook: docstrings as markdown, code in cells."""
    try:
        import nbformat
        from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    except ImportError:
        raise ImportError(f"writing a lesson as a notebook needs nbformat; hint: {install_hint('notebook')}") from None
    from . import LESSONS, get, resolve

    name = resolve(name)
    module = get(name)
    source = inspect.getsource(module)
    lines = source.splitlines()
    tree = ast.parse(source)
    run = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "run")
    number = list(LESSONS).index(name) + 1

    cells = [
        new_markdown_cell(markdown_of(module.__doc__)),
        new_markdown_cell(
            f"*{module.TITLE}*\n\n{HOW_TO}\n\n"
            f"The same lesson in a terminal: `glassnet lesson {name}`. "
            f"Lesson {number} of {len(LESSONS)}."
        ),
    ]
    definitions = definition_cells(tree, lines)
    sections = {"imports": None, "code": "## The lesson's code", "figures": "## The figures"}
    for kind, heading in sections.items():
        codes = [code for k, code in definitions if k == kind]
        if not codes:
            continue
        if heading:
            cells.append(
                new_markdown_cell(
                    heading
                    + (
                        "\n\nThese cells only define how each figure is drawn "
                        "(with matplotlib); the steps below draw them."
                        if kind == "figures"
                        else ""
                    )
                )
            )
        for code in codes:
            cell = new_code_cell(code)
            if kind == "figures":  # folded in JupyterLab and Notebook 7: a click opens it
                cell.metadata["jupyter"] = {"source_hidden": True}
            cells.append(cell)
    run_doc = markdown_text(inspect.getdoc(module.run) or "")
    cells.append(new_markdown_cell(f"## The lesson, step by step\n\n{run_doc}\n\nFirst the settings:"))
    cells.append(new_code_cell(settings_cell(module.run, quick)))
    cells.extend(new_code_cell(code) for code in step_cells(run, lines))

    for i, cell in enumerate(cells):  # stable ids: the same lesson gives the same file
        cell.id = f"{name}-{i}"
    notebook = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(notebook)
    return notebook


def file_name(name):
    """``01-minimize.ipynb``: the lesson's number first, so that a folder lists them in the lecture's order."""
    from . import LESSONS, resolve

    name = resolve(name)
    return f"{list(LESSONS).index(name) + 1:02d}-{name}.ipynb"


def write(name, out_dir=".", quick=False):
    """Write lesson ``name`` as ``out_dir/NN-name.ipynb`` and return the path."""
    import nbformat

    notebook = build(name, quick=quick)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, file_name(name))
    nbformat.write(notebook, path)
    print(f"notebook written: {path}")
    return path
