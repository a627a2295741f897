"""The lecture, runnable: a lesson for every example and figure of "An Introduction to Deep Learning".

Each lesson is one short module to read beside its slides (the docstring
names them).  Its ``run(out_dir=None, quick=False)`` prints the slides'
numbers, computed with glassnet, writes the figures as PNG files into
``out_dir`` when one is given, and returns the numbers in a dict.  From the
command line::

    glassnet lesson                          # the list: name and title
    glassnet lesson minimize                 # run one: print its numbers
    glassnet lesson kernels --out figures    # ... and write its figures into figures/
    glassnet lesson 13 --quick               # by number; --quick: a smaller, faster run
    glassnet lesson backprop --notebook      # write it as a Jupyter notebook, 08-backprop.ipynb
    glassnet lesson --all --notebook --out notebooks   # every lesson as a notebook

From Python: ``glassnet.lessons.run("backprop")``, or import a lesson module
(``from glassnet.lessons import l01_minimize``) and call its ``run``.  In a
Jupyter notebook the figures show inline, with or without ``out_dir``.
A lesson as a notebook (``--notebook``, see ``glassnet.lessons.notebook``) has
the lesson's code in cells, to change and run again; that needs ``nbformat``,
the ``notebook`` extra.
Figures need matplotlib, the ``viz`` extra (``pip install 'glassnet[viz]'``, or
``pip install -e '.[viz]'`` in a clone).
"""

import argparse
import importlib

# name → module, in the order of the lecture
LESSONS = {
    "minimize": "l01_minimize",
    "regression": "l02_regression",
    "sgd": "l03_sgd",
    "single-layer": "l04_single_layer",
    "features": "l05_features",
    "linear-collapse": "l06_linear_collapse",
    "universal": "l07_universal",
    "backprop": "l08_backprop",
    "softmax": "l09_softmax",
    "kernels": "l10_kernels",
    "dense-vs-conv": "l11_dense_vs_conv",
    "pooling": "l12_pooling",
    "lenet": "l13_lenet",
}


def resolve(name):
    """The name of a lesson given by name (``"backprop"``) or by number (``"8"``)."""
    names = list(LESSONS)
    if str(name).isdigit() and 1 <= int(name) <= len(names):
        return names[int(name) - 1]
    if name not in LESSONS:
        raise ValueError(f"unknown lesson {name!r}; choose one of: {', '.join(names)} (or a number 1-{len(names)})")
    return name


def get(name):
    """The module of lesson ``name`` (a name or a number)."""
    return importlib.import_module(f"{__name__}.{LESSONS[resolve(name)]}")


def list_lessons():
    """``(name, title)`` of every lesson, in the lecture's order."""
    return [(name, get(name).TITLE) for name in LESSONS]


def run(name, out_dir=None, quick=False):
    """Run lesson ``name`` (see ``get``): print its numbers, write its figures into ``out_dir``; returns its numbers."""
    return get(name).run(out_dir=out_dir, quick=quick)


def add_arguments(parser):
    """The arguments of ``glassnet lesson``, added to ``parser``."""
    parser.add_argument(
        "name", nargs="?", metavar="NAME", help="the lesson to run (a name or a number); none: list them"
    )
    parser.add_argument("--out", metavar="DIR", help="write the lesson's figures (PNG), or its notebook, into DIR")
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run (fewer steps, less data)")
    parser.add_argument(
        "--notebook",
        action="store_true",
        help="instead of running the lesson, write it as a Jupyter notebook NN-NAME.ipynb (into DIR, or here)",
    )
    parser.add_argument("--all", action="store_true", help="every lesson, in the lecture's order (instead of NAME)")
    return parser


def add_lesson_command(subparsers):
    """Add ``lesson`` to the ``glassnet`` command line's subparsers; run it with ``cmd_lesson(args)``."""
    return add_arguments(
        subparsers.add_parser(
            "lesson",
            help="run a lesson of the lecture: its numbers and figures, or write it as a notebook",
            description="Without NAME: list the lessons. With NAME: print the lesson's numbers, and write its "
            "figures into --out DIR; with --notebook, write the lesson as a Jupyter notebook instead.",
        )
    )


def cmd_lesson(args):
    """Handle ``glassnet lesson [NAME | --all] [--out DIR] [--quick] [--notebook]``."""
    if args.all and args.name is not None:
        raise ValueError(f"lesson: give a NAME or --all, not both (got {args.name!r} and --all)")
    if args.name is None and not args.all:
        if args.notebook:
            raise ValueError("lesson --notebook: which lesson? hint: give a NAME, or --all for every lesson")
        lessons = list_lessons()
        width = max(len(name) for name, _ in lessons)
        for name, title in lessons:
            print(f"{name:<{width}}  {title}")
        return
    names = list(LESSONS) if args.all else [resolve(args.name)]
    if args.notebook:
        from .notebook import write

        for name in names:
            write(name, out_dir=args.out or ".", quick=args.quick)
        return
    for name in names:
        module = get(name)
        print(f"Lesson {list(LESSONS).index(name) + 1}: {module.TITLE}\n")
        module.run(out_dir=args.out, quick=args.quick)
        if len(names) > 1:
            print()
    if args.out is None:
        print("\n(to write this lesson's figures: add --out DIR)")


def main(argv=None):
    """``python -m glassnet.lessons [NAME | --all] [--out DIR] [--quick] [--notebook]``: ``glassnet lesson``."""
    parser = add_arguments(argparse.ArgumentParser(prog="glassnet lesson", description=__doc__.splitlines()[0]))
    cmd_lesson(parser.parse_args(argv))
    return 0
