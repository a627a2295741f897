"""ONNX export, for serving a glassnet model with onnxruntime or any other ONNX runtime (see ``export``).

Not imported by ``import glassnet``: it needs the onnx package, the ``onnx`` extra
(``pip install 'glassnet[onnx]'``, or ``pip install -e '.[onnx]'`` in a clone).
"""

from .export import EMITTERS, ExportError, export, export_run

__all__ = ["EMITTERS", "ExportError", "export", "export_run"]
