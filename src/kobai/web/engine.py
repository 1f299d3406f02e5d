"""One lock around kobai's engine, shared by every request thread of the playground.

kobai's gradient mode (``no_grad``/``enable_grad``) is a process-wide switch, not a per-thread
one, so two threads computing at once could switch graph recording off under each other's feet.
Every piece of work that builds graphs or uses ``no_grad`` therefore runs under :data:`ENGINE`.
This costs nothing in throughput (Python threads computing in NumPy-sized steps share one
interpreter anyway); what keeps a slow request from stalling others is that each unit of work
under the lock is bounded: a race has a ceiling on steps times optimizers, and a network
advances at most :data:`CHUNK` steps per turn of the lock.
"""

from __future__ import annotations

import threading

ENGINE = threading.Lock()
CHUNK = 50
