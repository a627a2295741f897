"""The differentiable primitives: one small ``Function`` class per op, grouped by kind."""
