"""One module per workload and side: ``kobai_*`` import kobai, ``torch_*`` import torch.

Each is run as ``python -m bench.workloads.<module> --config JSON`` and prints one line
``BENCH_RESULT {json}`` (see :mod:`bench.workloads._common`).
"""
