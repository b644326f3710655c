"""The one way the console reads a workflow definition: `parse_definition`.

A definition is upstream text anyone who can edit the workflow wrote, so it is untrusted: it
is parsed with the safe loader only, and refused before it is built when it is too long, or
when its aliases (`&a` ... `*a`) would expand into more nodes than any real workflow has (a
few hundred characters of nested aliases expand into billions: every page that walked it would
stall for minutes). Parsed once per definition: the result, or the refusal, is kept in a small
in-process cache by the definition's hash, so the pages and fragments of one request (and the
next poll) do not parse it again."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

import yaml

MAX_DEFINITION_CHARS = 200_000
# Nodes after expanding every alias. The biggest real definitions have a few thousand.
MAX_NODES = 50_000
CACHE_SIZE = 128

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DefinitionError(ValueError):
    """The definition cannot be read; `str()` says why, in words for the page."""


class DefinitionRefused(DefinitionError):
    """The definition is too large (or expands too far) to read safely."""


TOO_LONG = "This definition is too long to show as a picture ({chars:,} characters)."
TOO_BIG = (
    "This definition repeats parts of itself (YAML aliases) so many times that it would "
    "expand to more than {limit:,} items, so we don't read it."
)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _expanded_nodes_exceed(root: yaml.Node, limit: int) -> bool:
    """Whether `root`, with every alias expanded, has more than `limit` nodes. An alias is the
    same node object as its anchor, so each node's expanded size is worked out once (a depth
    first walk of the composed nodes, not of the expansion): an alias bomb costs as little
    as its text. An alias inside its own anchor (infinite) counts as too many."""
    size: dict[int, int] = {}
    visiting = {id(root)}
    stack = [(root, iter(_children(root)))]
    while stack:
        node, pending = stack[-1]
        child = next(pending, None)
        if child is None:
            stack.pop()
            visiting.discard(id(node))
            total = 1 + sum(size[id(c)] for c in _children(node))
            if total > limit:
                return True
            size[id(node)] = total
        elif id(child) in visiting:
            return True
        elif id(child) not in size:
            visiting.add(id(child))
            stack.append((child, iter(_children(child))))
    return False


def _parse(definition: str) -> Any:
    if len(definition) > MAX_DEFINITION_CHARS:
        raise DefinitionRefused(TOO_LONG.format(chars=len(definition)))
    loader = _Loader(definition)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if _expanded_nodes_exceed(root, MAX_NODES):
            raise DefinitionRefused(TOO_BIG.format(limit=MAX_NODES))
        return loader.construct_document(root)
    except yaml.YAMLError as error:
        raise DefinitionError(f"The definition is not valid YAML: {error}") from error
    except RecursionError as error:  # nesting deeper than Python's stack
        raise DefinitionRefused("This definition is nested too deeply to read.") from error
    finally:
        loader.dispose()


_cache: OrderedDict[str, tuple[bool, Any]] = OrderedDict()
_lock = threading.Lock()


def parse_definition(definition: str | None) -> Any:
    """The YAML document of `definition` (None for an empty one). Callers must only read it:
    the same object is handed to every caller. Raises DefinitionRefused (too long, alias bomb)
    or DefinitionError (not YAML), each with a message for the page."""
    if not isinstance(definition, str):
        raise DefinitionError("The definition is missing.")
    digest = hashlib.sha256(definition.encode("utf-8", "surrogatepass")).hexdigest()
    with _lock:
        hit = _cache.get(digest)
        if hit is not None:
            _cache.move_to_end(digest)
    if hit is None:
        try:
            hit = (True, _parse(definition))
        except DefinitionError as error:
            hit = (False, error)
        with _lock:
            _cache[digest] = hit
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    ok, value = hit
    if not ok:
        raise value
    return value
