"""The seeded normal generator shared with main/services/explain/seeded-normal.ts, so Smooth
CDAM's noise is the same in the exporter's fixtures and in the app: mulberry32 uniforms,
turned into standard normals by Box–Muller in pairs (cos first, then sin)."""
import math

MASK = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & MASK


def mulberry32(seed: int):
    state = seed & MASK

    def next_uniform() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & MASK
        t = _imul(state ^ (state >> 15), state | 1)
        t = ((t + _imul(t ^ (t >> 7), t | 61)) & MASK) ^ t
        return ((t ^ (t >> 14)) & MASK) / 4294967296.0

    return next_uniform


def seeded_normals(seed: int, count: int) -> list:
    uniform = mulberry32(seed)
    out = []
    while len(out) < count:
        u1 = max(uniform(), 2.0 ** -32)
        u2 = uniform()
        r = math.sqrt(-2.0 * math.log(u1))
        out.append(r * math.cos(2.0 * math.pi * u2))
        out.append(r * math.sin(2.0 * math.pi * u2))
    return out[:count]


def seeded_normals_array(seed: int, count: int):
    """The same numbers as `seeded_normals`, vectorised (numpy): mulberry32's state after k steps is
    seed + k·0x6D2B79F5, so every uniform is a function of its index. For the large noise tables of
    real-size models (ViT-S/8 @224: 50 × 785 × 384 normals), where the loop takes minutes; equal to
    the loop's values within a few ulps (numpy's log/cos against math's)."""
    import numpy as np

    pairs = (count + 1) // 2
    k = np.arange(1, 2 * pairs + 1, dtype=np.uint64)
    state = ((np.uint64(seed & MASK) + k * np.uint64(0x6D2B79F5)) & np.uint64(MASK)).astype(np.uint32)
    with np.errstate(over='ignore'):
        t = (state ^ (state >> np.uint32(15))) * (state | np.uint32(1))
        t = (t + (t ^ (t >> np.uint32(7))) * (t | np.uint32(61))) ^ t
        u = (t ^ (t >> np.uint32(14))).astype(np.float64) / 4294967296.0
    u1 = np.maximum(u[0::2], 2.0 ** -32)
    u2 = u[1::2]
    r = np.sqrt(-2.0 * np.log(u1))
    out = np.empty(2 * pairs)
    out[0::2] = r * np.cos(2.0 * np.pi * u2)
    out[1::2] = r * np.sin(2.0 * np.pi * u2)
    return out[:count]
