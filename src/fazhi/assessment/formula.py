"""A restricted arithmetic language for indicator formulas: metric codes, numbers, + - * /, min, max.

Parsed with Python's own parser and evaluated by walking the tree: no eval, no attribute access, no calls
beyond the two allowed functions. A formula whose metric is missing evaluates to None (missing), never 0.
"""

from __future__ import annotations

import ast
import operator

ALLOWED_FUNCTIONS = {"min": min, "max": max}
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class FormulaError(ValueError):
    pass


class Formula:
    def __init__(self, text: str):
        self.text = text
        try:
            self.tree = ast.parse(text, mode="eval").body
        except SyntaxError as error:
            raise FormulaError(f"公式“{text}”无法解析") from error
        self.names = set()
        self._check(self.tree)
        self._evaluate = self._compile(self.tree)

    def _check(self, node):
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            self._check(node.left)
            self._check(node.right)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            self._check(node.operand)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            pass
        elif isinstance(node, ast.Name):
            self.names.add(node.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ALLOWED_FUNCTIONS
            and not node.keywords
            and len(node.args) >= 2
        ):
            for arg in node.args:
                self._check(arg)
        else:
            raise FormulaError(f"公式“{self.text}”含有不允许的写法")

    def evaluate(self, values: dict[str, float | None]) -> float | None:
        return self._evaluate(values)

    def _compile(self, node):
        """The checked tree as nested closures: an assessment evaluates every formula for every unit."""
        if isinstance(node, ast.Constant):
            constant = float(node.value)
            return lambda values: constant
        if isinstance(node, ast.Name):
            name = node.id
            return lambda values: values.get(name)
        if isinstance(node, ast.UnaryOp):
            operand = self._compile(node.operand)

            def negate(values):
                value = operand(values)
                return None if value is None else -value

            return negate
        if isinstance(node, ast.BinOp):
            left, right, apply = self._compile(node.left), self._compile(node.right), OPERATORS[type(node.op)]
            divides = isinstance(node.op, ast.Div)

            def binary(values):
                a, b = left(values), right(values)
                if a is None or b is None or (divides and b == 0):
                    return None
                return apply(a, b)

            return binary
        args, function = [self._compile(arg) for arg in node.args], ALLOWED_FUNCTIONS[node.func.id]

        def call(values):
            evaluated = [arg(values) for arg in args]
            return None if None in evaluated else function(*evaluated)

        return call
