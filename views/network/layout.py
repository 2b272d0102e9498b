"""Where nodes go: the seeded grid force layout for large views, region groups for the transfer map,
columns for a match."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from typing import Sequence

from .model import VizGraph, VizNode
from .style import REGION_COLOURS

__all__ = ["fast_layout", "pull_in_outliers", "positions_of", "grouped_by_region", "match_columns"]

def fast_layout(n: int, edges: Sequence[tuple[int, int]], *, seed: int = 7, iterations: int = 100,
                grid: int = 128):
    """Positions (an n x 2 numpy array) for ``n`` nodes by a seeded Fruchterman-Reingold layout
    whose repulsion is computed on a grid (particle-mesh): node density is spread on a
    ``grid`` x ``grid`` mesh by cloud-in-cell weights, convolved with the k^2/d force kernel by FFT
    and read back at each node (its own contribution taken out). Each iteration costs
    O(n + edges + grid^2 log grid) whatever the clustering: about a second for 4,400 nodes and 39,000
    links, where networkx's spring_layout takes over a minute (``benchmarks/viz.py``). The same input and seed give the same layout.
    """
    import numpy as np

    if n <= 1:
        return np.zeros((n, 2))
    rng = np.random.default_rng(seed)
    k = 1.0
    side = math.sqrt(n) * k * 1.2
    pos = rng.uniform(-side / 2, side / 2, (n, 2))
    pairs = np.array(sorted({(min(a, b), max(a, b)) for a, b in edges if a != b}), dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]

    # The kernel dx / r^2 (and dy / r^2) on every cell offset, wrapped for a linear FFT convolution.
    offsets = np.arange(2 * grid)
    offsets = np.where(offsets < grid, offsets, offsets - 2 * grid).astype(float)
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    r2 = dx ** 2 + dy ** 2
    r2[0, 0] = 1.0
    kernel_x, kernel_y = dx / r2, dy / r2
    kernel_x[0, 0] = kernel_y[0, 0] = 0.0
    fft_x, fft_y = np.fft.rfft2(kernel_x), np.fft.rfft2(kernel_y)
    corners = ((0, 0), (1, 0), (0, 1), (1, 1))

    temperature = side / 6
    cooling = 0.02 ** (1 / iterations)
    for _ in range(iterations):
        low = pos.min(axis=0)
        cell = max(float((pos.max(axis=0) - low).max()), 1e-6) / (grid - 1)
        scaled = (pos - low) / cell
        base = np.minimum(np.floor(scaled).astype(np.int64), grid - 2)
        frac = scaled - base
        weights = [(1 - frac[:, 0]) * (1 - frac[:, 1]), frac[:, 0] * (1 - frac[:, 1]),
                   (1 - frac[:, 0]) * frac[:, 1], frac[:, 0] * frac[:, 1]]
        flat = [(base[:, 0] + cx) * (2 * grid) + (base[:, 1] + cy) for cx, cy in corners]
        density = np.zeros(4 * grid * grid)
        for index, weight in zip(flat, weights):
            density += np.bincount(index, weight, minlength=4 * grid * grid)
        spectrum = np.fft.rfft2(density.reshape(2 * grid, 2 * grid))
        field_x = np.fft.irfft2(spectrum * fft_x, s=(2 * grid, 2 * grid)).ravel()
        field_y = np.fft.irfft2(spectrum * fft_y, s=(2 * grid, 2 * grid)).ravel()
        disp = np.zeros((n, 2))
        for index, weight in zip(flat, weights):
            disp[:, 0] += weight * field_x[index]
            disp[:, 1] += weight * field_y[index]
        for (ax, ay), wa in zip(corners, weights):  # take out each node's push on itself
            for (bx, by), wb in zip(corners, weights):
                ox, oy = ax - bx, ay - by
                if ox or oy:
                    disp[:, 0] -= wa * wb * ox / (ox * ox + oy * oy)
                    disp[:, 1] -= wa * wb * oy / (ox * ox + oy * oy)
        disp *= k * k / cell
        if len(src):
            delta = pos[dst] - pos[src]
            dist = np.sqrt(np.einsum("ij,ij->i", delta, delta))
            force = delta * (dist / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] += np.bincount(src, force[:, axis], minlength=n)
                disp[:, axis] -= np.bincount(dst, force[:, axis], minlength=n)
        disp -= pos * (2.0 / side)  # a weak pull to the centre keeps components together
        length = np.maximum(np.sqrt(np.einsum("ij,ij->i", disp, disp)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature *= cooling
    return pos - pos.mean(axis=0)


def pull_in_outliers(pos, *, quantile: float = 98.0, reach: float = 0.1):
    """Positions with the few far-flung nodes drawn back to a thin ring around the rest.

    Repulsion pushes small disconnected pieces far out: in the JRC catalogue 15 of 1,339 nodes
    stretched the layout twenty times, so fitting it to the screen made the rest a tiny blob. A
    node beyond the ``quantile`` radius r (from the median centre) moves, along its own direction,
    to r * (1 + reach * tanh(excess / r)): order and direction kept, never beyond (1 + reach) r."""
    import numpy as np

    if len(pos) < 20:
        return pos
    centre = np.median(pos, axis=0)
    offset = pos - centre
    radius = np.sqrt(np.einsum("ij,ij->i", offset, offset))
    limit = float(np.percentile(radius, quantile))
    far = radius > limit
    if limit <= 0 or not far.any():
        return pos
    pulled = limit * (1 + reach * np.tanh((radius[far] - limit) / limit))
    out = pos.copy()
    out[far] = centre + offset[far] * (pulled / radius[far])[:, None]
    return out


def positions_of(graph: VizGraph) -> dict[str, tuple[float, float]]:
    """Pixel positions of a view's nodes from :func:`fast_layout` (seeded, so the same every time),
    outliers pulled in (:func:`pull_in_outliers`)."""
    keys = [n.key for n in graph.nodes]
    index = {k: i for i, k in enumerate(keys)}
    pairs = [(index[e.source], index[e.target]) for e in graph.edges]
    pos = pull_in_outliers(fast_layout(len(keys), pairs))
    scale = 60.0  # pixels per ideal edge length
    return {k: (round(float(pos[i, 0]) * scale, 1), round(float(pos[i, 1]) * scale, 1)) for k, i in index.items()}


def grouped_by_region(nodes: dict[str, VizNode]) -> tuple[VizNode, ...]:
    """Starting positions that group countries by M49 region: one disc per region (largest nodes
    at its centre) around a circle, for the browser's physics to refine."""
    order = [r for r in REGION_COLOURS if r] + [""]
    groups: dict[str, list[VizNode]] = defaultdict(list)
    for node in nodes.values():
        region = (node.regions or ("",))[0] if node.kind == "country" else ""
        groups[region if region in REGION_COLOURS else ""].append(node)
    present = [r for r in order if groups.get(r)]
    spacing = 38.0
    widest = max((spacing * math.sqrt(len(g)) for g in groups.values()), default=0.0)
    ring = (widest * 1.4 + 60.0) if len(present) > 1 else 0.0
    placed = []
    for index, region in enumerate(present):
        angle = 2 * math.pi * index / len(present) - math.pi / 2
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        members = sorted(groups[region], key=lambda n: (-n.value, n.key))
        for j, node in enumerate(members):  # a sunflower: even spacing in a disc
            radius, theta = spacing * math.sqrt(j), j * 2.399963
            placed.append(replace(node, x=round(cx + radius * math.cos(theta), 1),
                                  y=round(cy + radius * math.sin(theta), 1)))
    return tuple(placed)


def match_columns(nodes: dict[str, VizNode], centre: str) -> dict[str, VizNode]:
    """Three columns read left to right: the practice (with its exporter above it and engaged
    countries below), its success factors (critical first), the candidates in rank order."""
    factors = [k for k in nodes if k.startswith("factor/")]
    candidates = [k for k, n in nodes.items() if n.measure.startswith("score ")]
    others = [k for k in nodes if k != centre and k not in factors and k not in candidates]

    def column(keys, x, gap):
        top = -gap * (len(keys) - 1) / 2
        return {k: (x, top + i * gap) for i, k in enumerate(keys)}

    placed = {centre: (-520.0, 0.0)}
    placed.update(column(factors, 0.0, 95.0))
    placed.update(column(candidates, 520.0, 80.0))
    for i, key in enumerate(others):  # the exporter first, then engaged countries
        placed[key] = (-520.0 - 140.0 * (i % 2), -170.0 if i == 0 else 120.0 + 70.0 * i)
    top_value = max((n.value for n in nodes.values()), default=1.0)
    laid = {k: replace(n, x=placed[k][0], y=placed[k][1]) for k, n in nodes.items()}
    laid[centre] = replace(laid[centre], value=top_value)
    return laid
