"""Shared training code for Verdict's demo models: data, splits, augmentation, metrics, loop."""
