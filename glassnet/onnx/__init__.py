"""ONNX export, for serving a glassnet model with onnxruntime or any other ONNX runtime (see ``export``).

Not imported by ``import glassnet``: it needs the onnx package (``pip install 'glassnet[onnx]'``).
"""
from .export import EMITTERS, ExportError, export, export_run

__all__ = ["EMITTERS", "ExportError", "export", "export_run"]
