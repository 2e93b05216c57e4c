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
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ALLOWED_FUNCTIONS
              and not node.keywords):
            for arg in node.args:
                self._check(arg)
        else:
            raise FormulaError(f"公式“{self.text}”含有不允许的写法")

    def evaluate(self, values: dict[str, float | None]) -> float | None:
        return self._eval(self.tree, values)

    def _eval(self, node, values):
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return values.get(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = self._eval(node.operand, values)
            return None if operand is None else -operand
        if isinstance(node, ast.BinOp):
            left, right = self._eval(node.left, values), self._eval(node.right, values)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Div) and right == 0:
                return None
            return OPERATORS[type(node.op)](left, right)
        args = [self._eval(arg, values) for arg in node.args]
        if any(arg is None for arg in args):
            return None
        return ALLOWED_FUNCTIONS[node.func.id](*args)
