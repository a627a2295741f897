"""The ``glassnet playground`` commands, for the ``glassnet`` CLI (importable without the web packages).

``glassnet playground [--port N] [--open]``
    serve the page on http://127.0.0.1:N/ (``server.serve``); a link of the
    TensorFlow Playground works after the ``#``.
``glassnet playground simulate "<hash>" --epochs N``
    train a link headlessly and print JSON (``simulate.main``).
"""

from .._extras import install_hint


def add_playground_commands(subparsers):
    """Add the ``playground`` command (and its ``simulate`` subcommand) to ``subparsers``.

    ``subparsers`` is what ``parser.add_subparsers()`` returned.  The parsed
    arguments carry ``func``: call ``args.func(args)``; it returns the exit status.
    """
    from .simulate import build_parser

    parser = subparsers.add_parser(
        "playground",
        help="the Neural Network Playground in your browser",
        description="Serve glassnet's Neural Network Playground on http://127.0.0.1:PORT/ "
        "(the TensorFlow Playground's links work after the '#').",
    )
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    parser.add_argument("--open", action="store_true", help="open the page in the web browser")
    parser.set_defaults(func=run_server)
    commands = parser.add_subparsers(dest="playground_command", metavar="COMMAND")
    headless = commands.add_parser(
        "simulate",
        help="train a link headlessly and print JSON",
        description="Train a playground link headlessly; print JSON.",
    )
    build_parser(headless)
    headless.set_defaults(func=run_simulate)
    return parser


def run_server(args):
    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port must be between 0 and 65535, got {args.port}")
    try:
        from .server import serve
    except ImportError as error:
        raise ImportError(
            f"glassnet playground needs the web packages ({error}); hint: {install_hint('playground')}"
        ) from None
    serve(args.port, args.open)
    return 0


def run_simulate(args):
    from .simulate import main

    return main([args.hash, "--epochs", str(args.epochs), "--backend", args.backend])
