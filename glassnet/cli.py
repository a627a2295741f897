"""The ``glassnet`` command line: ``glassnet train``, ``evaluate``, ``summary``…

Every command has ``--help``.  A user error (a bad argument, a missing file)
prints one line starting with ``glassnet: error:`` and exits with status 1
(2 for a malformed command line, as argparse does); never a traceback.
"""

import argparse
import sys
from dataclasses import fields

from . import __version__


def build_parser():
    from .training import TrainConfig

    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="glassnet", description="glassnet: deep learning you can see through.")
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = commands.add_parser(
        "train",
        help="train a model on a dataset",
        description="Train a model, evaluating on the test set after each epoch.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    train.add_argument("model", help="model to train (lenet5)")
    train.add_argument("--dataset", default=defaults.dataset, help="mnist or fashion-mnist")
    train.add_argument("--epochs", type=int, default=defaults.epochs, help="passes over the training set")
    train.add_argument("--batch-size", type=int, default=defaults.batch_size, help="samples per step")
    train.add_argument(
        "--lr", type=float, default=defaults.lr, help="initial learning rate (cosine-annealed towards 0)"
    )
    train.add_argument("--momentum", type=float, default=defaults.momentum, help="SGD momentum")
    train.add_argument("--weight-decay", type=float, default=defaults.weight_decay, help="L2 penalty")
    train.add_argument("--seed", type=int, default=defaults.seed, help="seed for weights and shuffling")
    train.add_argument(
        "--data-root", default=argparse.SUPPRESS, help="dataset folder (default: $GLASSNET_DATA or ~/.cache/glassnet)"
    )
    train.add_argument("--out", default=argparse.SUPPRESS, help="run folder (default: runs/MODEL-DATASET)")
    train.add_argument(
        "--resume",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="continue the interrupted run in DIR with its own settings",
    )
    train.add_argument(
        "--no-progress",
        action="store_true",
        help="hide the progress bar (it is shown on a terminal)",
        default=argparse.SUPPRESS,
    )

    evaluate = commands.add_parser(
        "evaluate",
        help="test accuracy and confusion matrix of a trained run",
        description="Print the test accuracy and the confusion matrix of a run written by `glassnet train`.",
    )
    evaluate.add_argument("run_dir", metavar="DIR", help="the run folder")

    summary = commands.add_parser(
        "summary",
        help="the shape table of a model",
        description="Print each layer's output shape, parameters and multiply-adds.",
    )
    summary.add_argument("model", help="model name (lenet5)")
    summary.add_argument("--batch-size", type=int, default=1, help="batch size N of the input")

    export = commands.add_parser(
        "export",
        help="export a trained run for other frameworks",
        description="Export the model of a run written by `glassnet train`.",
    )
    formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    onnx_export = formats.add_parser(
        "onnx",
        help="an ONNX file for onnxruntime",
        description="Write the run's model as ONNX (dynamic batch size).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    onnx_export.add_argument("run_dir", metavar="RUN_DIR", help="the run folder")
    onnx_export.add_argument("out", metavar="OUT.onnx", help="the ONNX file to write")
    onnx_export.add_argument("--opset", type=int, default=17, help="ONNX opset version")

    from .playground.commands import add_playground_commands

    add_playground_commands(commands)
    from .lessons import add_lesson_command

    add_lesson_command(commands)
    return parser


def cmd_train(args):
    from .training import TrainConfig, train

    options = {f.name: getattr(args, f.name) for f in fields(TrainConfig) if getattr(args, f.name, None) is not None}
    resume = getattr(args, "resume", None)
    options["out"] = resume or getattr(args, "out", None) or f"runs/{args.model}-{args.dataset}"
    try:
        history = train(TrainConfig(**options), resume=bool(resume), progress=not getattr(args, "no_progress", False))
    except KeyboardInterrupt:
        print(f"\nglassnet: continue with: glassnet train {args.model} --resume {options['out']}", file=sys.stderr)
        raise
    best = max(history, key=lambda h: h["test_accuracy"])
    print(
        f"done: final test accuracy {history[-1]['test_accuracy']:.2%} (best {best['test_accuracy']:.2%}, "
        f"epoch {best['epoch']}); run saved in {options['out']}"
    )


def cmd_evaluate(args):
    from .training import Run, evaluate_arrays, format_confusion, load_dataset

    run = Run(args.run_dir)
    model, config = run.load_model()
    images, labels = load_dataset(config.dataset, config.data_root, train=False)
    loss, accuracy, confusion = evaluate_arrays(model, images, labels)
    print(
        f"{config.model} on {config.dataset} test set ({len(labels)} images): accuracy {accuracy:.2%}, loss {loss:.4f}"
    )
    print(format_confusion(confusion))


def cmd_summary(args):
    from .models import REGISTRY
    from .summary import summary

    if args.model not in REGISTRY:
        raise ValueError(f"unknown model {args.model!r}; choose one of: {', '.join(sorted(REGISTRY))}")
    if args.batch_size < 1:
        raise ValueError(f"--batch-size must be at least 1, got {args.batch_size}")
    build, sample_size = REGISTRY[args.model]
    print(summary(build(), (args.batch_size, *sample_size)))


def cmd_export(args):
    from .onnx import export_run

    export_run(args.run_dir, args.out, opset_version=args.opset)
    print(
        f"wrote {args.out}: input 'input' (batch, C, H, W), output 'output' (class scores); "
        "run it with onnxruntime.InferenceSession"
    )


def cmd_lesson(args):
    from .lessons import cmd_lesson as run_lesson

    run_lesson(args)


COMMANDS = {
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "summary": cmd_summary,
    "export": cmd_export,
    "playground": lambda args: args.func(args),
    "lesson": cmd_lesson,
}


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("\nglassnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `glassnet lesson | head -3`: the reader left; nothing to report
        sys.stderr.close()
        return 0
    except (ValueError, OSError, RuntimeError, ImportError) as error:
        print(f"glassnet: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
