"""Static analysis: the `CampaignError` classes a function can raise, read from the source (AST).

It follows the calls it can resolve: plain names (module functions of `campaigns`), `self.method`,
`self._collaborator.method` when `__init__` takes the collaborator typed as a class of `campaigns`
(a use case composing another), and `value.method` when `method` names a method of a domain class
(`principal.ensure`). An error raised inside a `try` whose handler catches it (and does not re-raise)
is dropped. Calls through ports (typing.Protocol) cannot be followed: what adapters raise is not seen.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import textwrap
import typing
from collections.abc import Callable, Iterator
from functools import cache
from types import FunctionType, ModuleType
from typing import Any

import campaigns.domain
from campaigns.domain.errors import CampaignError

Errors = frozenset[type[CampaignError]]


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        yield importlib.import_module(info.name)


@cache
def _domain_methods() -> dict[str, tuple[FunctionType, ...]]:
    """Methods of the domain's classes by name: `principal.ensure(...)` may call any of them."""
    found: dict[str, list[FunctionType]] = {}
    for module in _modules(campaigns.domain):
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                for name, member in vars(value).items():
                    if isinstance(member, FunctionType) and not name.startswith("__"):
                        found.setdefault(name, []).append(member)
    return {name: tuple(methods) for name, methods in found.items()}


def _is_ours(value: object) -> bool:
    return getattr(value, "__module__", "").startswith("campaigns.")


def _error_class(value: object) -> type[CampaignError] | None:
    return value if inspect.isclass(value) and issubclass(value, CampaignError) else None


def _collaborators(owner: type) -> dict[str, type]:
    """`self._x` -> its class, for the `self._x = x` and `self._x = SomeClass(...)` assignments of `__init__`.

    `x` counts when `__init__` takes it typed as one of our classes.
    """
    init = vars(owner).get("__init__")
    if not isinstance(init, FunctionType):
        return {}
    hints = typing.get_type_hints(init)
    found: dict[str, type] = {}
    for node in ast.walk(_parse(init)):
        if not isinstance(node, ast.Assign):
            continue
        match node.value:
            case ast.Name(id=name):
                kind = hints.get(name)
            case ast.Call(func=ast.Name(id=name)):
                kind = init.__globals__.get(name)
            case _:
                kind = None
        if not (inspect.isclass(kind) and _is_ours(kind)):
            continue
        for target in node.targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                found[target.attr] = kind
    return found


def _parse(function: FunctionType) -> ast.AST:
    return ast.parse(textwrap.dedent(inspect.getsource(function)))


class _Analysis:
    def __init__(self) -> None:
        self._done: dict[FunctionType, Errors] = {}
        self._running: set[FunctionType] = set()

    def of_function(self, function: FunctionType, owner: type | None = None) -> Errors:
        function = inspect.unwrap(function)
        if function in self._done:
            return self._done[function]
        if function in self._running:
            return frozenset()
        self._running.add(function)
        tree = _parse(function)
        definition = tree.body[0] if isinstance(tree, ast.Module) else tree
        scope = _Scope(function.__globals__, owner)
        found = self._block(getattr(definition, "body", []), scope)
        self._running.discard(function)
        self._done[function] = found
        return found

    def of_class(self, owner: type) -> Errors:
        errors: set[type[CampaignError]] = set()
        for member in vars(owner).values():
            function = member.__func__ if isinstance(member, staticmethod | classmethod) else member
            if isinstance(function, FunctionType):
                errors |= self.of_function(function, owner)
        return frozenset(errors)

    def _block(self, statements: list[ast.stmt], scope: _Scope) -> Errors:
        errors: set[type[CampaignError]] = set()
        for statement in statements:
            errors |= self._node(statement, scope)
        return frozenset(errors)

    def _node(self, node: ast.AST, scope: _Scope) -> Errors:
        if isinstance(node, ast.Try | ast.TryStar):
            return self._try(node, scope)
        errors: set[type[CampaignError]] = set()
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if (error := _error_class(scope.value_of(raised))) is not None:
                errors.add(error)
        if isinstance(node, ast.Call):
            for target, owner in scope.callees(node.func):
                errors |= self.of_function(target, owner)
        for child in ast.iter_child_nodes(node):
            errors |= self._node(child, scope)
        return frozenset(errors)

    def _try(self, node: ast.Try | ast.TryStar, scope: _Scope) -> Errors:
        raised = set(self._block(node.body, scope))
        for handler in node.handlers:
            caught = scope.value_of(handler.type) if handler.type is not None else Exception
            classes = caught if isinstance(caught, tuple) else (caught,)
            reraises = any(isinstance(n, ast.Raise) and n.exc is None for n in ast.walk(handler))
            if not reraises:
                raised = {e for e in raised if not any(inspect.isclass(c) and issubclass(e, c) for c in classes)}
            raised |= self._block(handler.body, scope)
        return frozenset(raised | self._block(node.orelse, scope) | self._block(node.finalbody, scope))


class _Scope:
    def __init__(self, namespace: dict[str, Any], owner: type | None) -> None:
        self._namespace = namespace
        self._owner = owner

    def value_of(self, node: ast.expr) -> object:
        match node:
            case ast.Name(id=name):
                return self._namespace.get(name, getattr(builtins, name, None))
            case ast.Attribute(value=base, attr=attr):
                return getattr(self.value_of(base), attr, None)
            case ast.Tuple(elts=items):
                return tuple(self.value_of(item) for item in items)
        return None

    def callees(self, func: ast.expr) -> Iterator[tuple[FunctionType, type | None]]:
        match func:
            case ast.Name():
                target = self.value_of(func)
                if isinstance(target, FunctionType) and _is_ours(target):
                    yield target, None
                elif inspect.isclass(target) and _is_ours(target) and _error_class(target) is None:
                    yield from _methods(target, "__init__")
                    yield from _methods(target, "__post_init__")
            case ast.Attribute(value=ast.Name(id="self"), attr=attr) if (
                self._owner is not None and attr in _collaborators(self._owner)
            ):
                yield from _methods(_collaborators(self._owner)[attr], "__call__")
            case ast.Attribute(value=ast.Name(id="self"), attr=attr) if self._owner is not None:
                yield from _methods(self._owner, attr)
            case ast.Attribute(value=ast.Attribute(value=ast.Name(id="self"), attr=field), attr=attr) if (
                self._owner is not None and field in _collaborators(self._owner)
            ):
                yield from _methods(_collaborators(self._owner)[field], attr)
            case ast.Attribute(attr=attr):
                for method in _domain_methods().get(attr, ()):
                    yield method, None


def _methods(owner: type, name: str) -> Iterator[tuple[FunctionType, type]]:
    for cls in owner.__mro__:
        member = vars(cls).get(name)
        if isinstance(member, FunctionType) and _is_ours(member):
            yield member, cls
            return


_ANALYSIS = _Analysis()


def raised_by_class(owner: type) -> Errors:
    """What any method of `owner` can raise, with what the calls it makes can raise."""
    return _ANALYSIS.of_class(owner)


def raised_by_function(function: Callable[..., Any]) -> Errors:
    """What `function` (or a bound method's function) can raise, with what the calls it makes can raise."""
    plain = inspect.unwrap(getattr(function, "__func__", function))
    assert isinstance(plain, FunctionType), function
    return _ANALYSIS.of_function(plain)
