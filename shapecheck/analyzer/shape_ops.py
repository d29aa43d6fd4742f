"""Shape arithmetic shared by NumPy data and symbolic tensors.

Pure functions from shapes (and constant arguments) to shapes.  They raise
``ShapeOpError`` with a readable message when the operation is impossible and
return ``None`` for a result whose rank cannot be known.
"""
from __future__ import annotations

from typing import Optional

from ..layers.shape import Dim, Shape, Sym, dim_prod, format_shape, is_known, normalize_axis


class ShapeOpError(Exception):
    pass


def broadcast(a: Shape, b: Shape) -> Shape:
    """NumPy broadcasting of two shapes."""
    if a is None or b is None:
        return None
    out = []
    for i in range(max(len(a), len(b))):
        da = a[len(a) - 1 - i] if i < len(a) else 1
        db = b[len(b) - 1 - i] if i < len(b) else 1
        if da == 1:
            out.append(db)
        elif db == 1:
            out.append(da)
        elif is_known(da) and is_known(db):
            if da != db:
                raise ShapeOpError(f"operands could not be broadcast together with shapes {format_shape(a)} {format_shape(b)}")
            out.append(da)
        elif da is None or db is None:
            out.append(da if db is None else db)
        else:
            out.append(da if da == db else (da if is_known(da) else db))
    return tuple(reversed(out))


def index_shape(shape: Shape, index: list) -> Shape:
    """Shape after ``x[index]``: ints drop an axis, slices keep it, None adds
    one, Ellipsis expands.  Each entry of ``index`` is an int, None, Ellipsis,
    a slice of constants (``slice`` objects, with '?' for unknown bounds) or
    '?' for an unknown scalar index."""
    if shape is None:
        return None
    n_real = sum(1 for i in index if i is not None and i is not Ellipsis)
    if any(i is Ellipsis for i in index):
        fill = len(shape) - n_real
        expanded = []
        for i in index:
            if i is Ellipsis:
                expanded.extend([slice(None)] * max(fill, 0))
            else:
                expanded.append(i)
        index = expanded
    if n_real > len(shape):
        raise ShapeOpError(f"too many indices for a tensor of shape {format_shape(shape)}: {n_real} were indexed")
    out = []
    axis = 0
    for i in index:
        if i is None:
            out.append(1)
            continue
        d = shape[axis]
        if isinstance(i, slice):
            out.append(_slice_len(d, i))
        elif i == "?":
            pass
        else:  # an int
            if is_known(d) and not -d <= i < d:
                raise ShapeOpError(f"index {i} is out of bounds for axis {axis} with size {d}")
        axis += 1
    out.extend(shape[axis:])
    return tuple(out)


def _slice_len(d: Dim, s: slice) -> Dim:
    if s.start is None and s.stop is None and s.step in (None, 1):
        return d
    if "?" in (s.start, s.stop, s.step):
        return Sym("slice") if d is not None else None
    if is_known(d) and d >= 0:  # a negative dim (Input((-1,))) is already reported
        try:
            return len(range(*s.indices(d)))
        except (TypeError, ValueError):  # a non-int bound or a zero step
            return None
    # Unknown length: a slice with both ends non-negative is still known.
    start, stop, step = s.start, s.stop, s.step or 1
    if step == 1 and start is not None and stop is not None and start >= 0 and stop >= 0:
        return max(stop - start, 0)
    return None if d is None else Sym(f"{d}[slice]")


def reshape(shape: Shape, target: tuple) -> Shape:
    """``reshape`` with one optional -1; checks the element count when known."""
    if shape is None:
        total: Dim = None
    else:
        total = dim_prod(shape)
    unknown_at = [i for i, d in enumerate(target) if d == -1]
    if len(unknown_at) > 1:
        raise ShapeOpError("can only specify one unknown dimension (-1)")
    if unknown_at:
        rest = dim_prod(d for i, d in enumerate(target) if i != unknown_at[0])
        if is_known(total) and is_known(rest):
            if rest == 0 or total % rest:
                raise ShapeOpError(f"cannot reshape array of size {total} into shape {tuple(target)}")
            fill: Dim = total // rest
        else:
            fill = None if total is None else Sym("reshape")
        return tuple(fill if i == unknown_at[0] else d for i, d in enumerate(target))
    want = dim_prod(target)
    if is_known(total) and is_known(want) and total != want:
        raise ShapeOpError(f"cannot reshape array of size {total} into shape {tuple(target)}")
    return tuple(target)


def expand_dims(shape: Shape, axis: int) -> Shape:
    if shape is None:
        return None
    rank = len(shape) + 1
    a = normalize_axis(axis, rank)
    if a is None:
        raise ShapeOpError(f"axis {axis} is out of bounds for array of dimension {rank}")
    return tuple(shape[:a]) + (1,) + tuple(shape[a:])


def squeeze(shape: Shape, axis=None) -> Shape:
    if shape is None:
        return None
    if axis is None:
        return tuple(d for d in shape if d != 1)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    norm = set()
    for ax in axes:
        a = normalize_axis(ax, len(shape))
        if a is None:
            raise ShapeOpError(f"axis {ax} is out of bounds for array of dimension {len(shape)}")
        if is_known(shape[a]) and shape[a] != 1:
            raise ShapeOpError(f"cannot select an axis to squeeze out which has size not equal to one (axis {ax}, shape {format_shape(shape)})")
        norm.add(a)
    return tuple(d for i, d in enumerate(shape) if i not in norm)


def reduce(shape: Shape, axis=None, keepdims: bool = False) -> Shape:
    if shape is None:
        return None
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    norm = set()
    for ax in axes:
        a = normalize_axis(ax, len(shape))
        if a is None:
            raise ShapeOpError(f"axis {ax} is out of bounds for a tensor of rank {len(shape)}")
        norm.add(a)
    if keepdims:
        return tuple(1 if i in norm else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in norm)


def transpose(shape: Shape, perm=None) -> Shape:
    if shape is None:
        return None
    if perm is None:
        return tuple(reversed(shape))
    if sorted(normalize_axis(p, len(shape)) if normalize_axis(p, len(shape)) is not None else -99 for p in perm) != list(range(len(shape))):
        raise ShapeOpError(f"axes {tuple(perm)} don't match a tensor of rank {len(shape)}")
    return tuple(shape[normalize_axis(p, len(shape))] for p in perm)


def concatenate(shapes: list, axis: int = 0) -> Shape:
    if any(s is None for s in shapes) or not shapes:
        return None
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        raise ShapeOpError("all the input arrays must have the same number of dimensions: " + ", ".join(format_shape(s) for s in shapes))
    a = normalize_axis(axis, rank)
    if a is None:
        raise ShapeOpError(f"axis {axis} is out of bounds for rank {rank}")
    out = list(shapes[0])
    for s in shapes[1:]:
        for i in range(rank):
            if i == a:
                continue
            if is_known(out[i]) and is_known(s[i]) and out[i] != s[i]:
                raise ShapeOpError(
                    f"all the input array dimensions except for the concatenation axis must match exactly: "
                    + ", ".join(format_shape(x) for x in shapes)
                )
    total = 0
    for s in shapes:
        d = s[a]
        if is_known(d) and is_known(total):
            total += d
        else:
            total = None if (d is None or total is None) else Sym("concat")
    out[a] = total
    return tuple(out)


def stack(shapes: list, axis: int = 0) -> Shape:
    if any(s is None for s in shapes) or not shapes:
        return None
    base = shapes[0]
    for s in shapes[1:]:
        if len(s) != len(base) or any(is_known(x) and is_known(y) and x != y for x, y in zip(s, base)):
            raise ShapeOpError("all input arrays must have the same shape: " + ", ".join(format_shape(x) for x in shapes))
    rank = len(base) + 1
    a = normalize_axis(axis, rank)
    if a is None:
        raise ShapeOpError(f"axis {axis} is out of bounds for rank {rank}")
    return tuple(base[:a]) + (len(shapes),) + tuple(base[a:])


def matmul(a: Shape, b: Shape) -> Shape:
    if a is None or b is None:
        return None
    if len(a) == 0 or len(b) == 0:
        raise ShapeOpError("matmul: input operand does not have enough dimensions")
    a2 = (1,) + tuple(a) if len(a) == 1 else tuple(a)
    b2 = tuple(b) + (1,) if len(b) == 1 else tuple(b)
    if is_known(a2[-1]) and is_known(b2[-2]) and a2[-1] != b2[-2]:
        raise ShapeOpError(f"matmul: inner dimensions differ: {format_shape(a)} @ {format_shape(b)}")
    batch = broadcast(a2[:-2], b2[:-2])
    out = tuple(batch) + (a2[-2], b2[-1])
    if len(a) == 1:
        out = out[:-2] + out[-1:]
    if len(b) == 1:
        out = out[:-1]
    return out


def dot(a: Shape, b: Shape) -> Shape:
    """numpy.dot: last axis of a with second-to-last of b."""
    if a is None or b is None:
        return None
    if len(a) <= 2 and len(b) <= 2:
        return matmul(a, b)
    kb = b[-2] if len(b) >= 2 else b[0]
    if is_known(a[-1]) and is_known(kb) and a[-1] != kb:
        raise ShapeOpError(f"shapes {format_shape(a)} and {format_shape(b)} not aligned")
    return tuple(a[:-1]) + tuple(b[:-2]) + tuple(b[-1:])


def literal_shape(value) -> Optional[tuple]:
    """Shape of a nested list/tuple of scalars; None if ragged."""
    if isinstance(value, (list, tuple)):
        if not value:
            return (0,)
        inner = [literal_shape(v) for v in value]
        if any(i is None for i in inner) or any(i != inner[0] for i in inner):
            return None
        return (len(value),) + inner[0]
    return ()


def einsum(equation: str, shapes: list) -> Shape:
    """ops.einsum's output shape: each letter takes its operand's size ("..."
    broadcasts like elementwise ops); without "->" the output is the letters
    used once, in alphabetical order (NumPy's implicit mode)."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    specs = lhs.split(",")
    if len(specs) != len(shapes):
        raise ShapeOpError(f"einsum equation {equation!r} names {len(specs)} operands, got {len(shapes)}")
    sizes: dict = {}
    ellipsis: Shape = ()
    for spec, shape in zip(specs, shapes):
        if shape is None:
            return None
        letters = spec.replace("...", "")
        n_ell = len(shape) - len(letters)
        if ("..." in spec and n_ell < 0) or ("..." not in spec and n_ell != 0):
            raise ShapeOpError(f"einsum operand {spec!r} does not fit a tensor of rank {len(shape)}")
        head = spec.split("...")[0] if "..." in spec else spec
        dims = list(shape)
        if "..." in spec:
            ell = tuple(dims[len(head):len(head) + n_ell])
            ellipsis = broadcast(ellipsis, ell) if ellipsis else ell
            dims = dims[:len(head)] + dims[len(head) + n_ell:]
        for letter, d in zip(letters, dims):
            old = sizes.get(letter, "unset")
            if old == "unset" or (not is_known(old) and is_known(d)):
                sizes[letter] = d
            elif is_known(old) and is_known(d) and old != d and d != 1 and old != 1:
                raise ShapeOpError(f"einsum size mismatch for {letter!r}: {old} vs {d}")
    if not arrow:
        counts = {c: lhs.count(c) for c in set(lhs.replace("...", "").replace(",", ""))}
        rhs = ("..." if "..." in lhs else "") + "".join(sorted(c for c, k in counts.items() if k == 1))
    if any(c not in sizes for c in rhs.replace("...", "")):
        raise ShapeOpError(f"einsum output {rhs!r} names a letter no operand has")
    pre, dots, post = rhs.partition("...")
    return tuple([sizes[c] for c in pre] + (list(ellipsis) if dots else []) + [sizes[c] for c in post])
