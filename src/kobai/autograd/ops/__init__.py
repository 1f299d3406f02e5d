"""Differentiable operations, one Function subclass each, grouped by kind."""
