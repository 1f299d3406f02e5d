"""Benchmarks of kobai against PyTorch on the CPU: ``python -m bench`` (see bench/README.md).

Every workload runs in a subprocess of its own: the kobai side with the project's Python, the
PyTorch side with a Python that has torch. The workload modules under :mod:`bench.workloads`
import only the standard library, NumPy and either kobai or torch, never both.
"""
