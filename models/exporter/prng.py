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
