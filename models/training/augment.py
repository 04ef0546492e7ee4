"""Augmentation on CPU tensors, batched: random rotation by any angle, flips and small shifts in
one affine resampling, then a centre crop to the model's input size; for CT, a jitter of the
HU window."""
import math

import torch


def random_affine(images, out_size: int, max_shift: float, generator, flip=True):
    """images [B, C, S, S] → [B, C, out, out]: rotated by a uniform angle, flipped at random,
    shifted by up to max_shift pixels, sampled bilinearly at the centre."""
    b, _, s, _ = images.shape
    angle = torch.rand(b, generator=generator) * 2 * math.pi
    flip_x = torch.where(torch.rand(b, generator=generator) < 0.5, -1.0, 1.0) if flip else torch.ones(b)
    shift = (torch.rand(b, 2, generator=generator) * 2 - 1) * max_shift * 2 / s
    cos, sin = torch.cos(angle), torch.sin(angle)
    scale = out_size / s
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = cos * scale * flip_x
    theta[:, 0, 1] = -sin * scale
    theta[:, 1, 0] = sin * scale * flip_x
    theta[:, 1, 1] = cos * scale
    theta[:, :, 2] = shift
    grid = torch.nn.functional.affine_grid(theta, (b, images.shape[1], out_size, out_size), align_corners=False)
    return torch.nn.functional.grid_sample(images, grid, mode='bilinear', padding_mode='border', align_corners=False)


def centre_crop(images, out_size: int):
    s = images.shape[-1]
    o = (s - out_size) // 2
    return images[..., o:o + out_size, o:o + out_size]


def window(hu, centre, width):
    """HU → 0…1 through a window (centre and width may be per-sample tensors [B,1,1,1])."""
    return ((hu - (centre - width / 2)) / width).clamp(0.0, 1.0)
