"""Room for many kernels: the portal's limits on open files and zmq sockets.

Every page's kernel connection is four zmq sockets in the portal (shell, control, stdin,
iopub), jupyter_server keeps a closed page's iopub socket open to buffer its messages until
the page comes back or the kernel is culled, and each socket holds file descriptors. libzmq
refuses the 1024th socket of a context (its default `ZMQ_MAX_SOCKETS`, reported as "Too many
open files"), and a service gets 1024 file descriptors by default (systemd's soft limit):
with a preheated pool of 210 kernels and 150 pages opened, 62 of the next 100 learners got
HTTP 500 or a closed kernel websocket. So the portal raises its open-file limit to the hard
limit the deployment allows and sizes its zmq context to that.
"""

from __future__ import annotations

import resource

import zmq

# what one zmq socket holds: its mailbox (an eventfd) and its connection (ipc or TCP)
FDS_PER_SOCKET = 2
# a hard limit of "unlimited" still needs a number for the soft limit
UNLIMITED = 1 << 20


def raise_limits(context: zmq.Context) -> int:
    """Raise this process's open-file limit to its hard limit and let `context` hold as many
    sockets as that leaves room for; call it before the context's first socket (libzmq sizes
    a context's socket table once, when it opens the first). Returns the socket limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = UNLIMITED if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):  # above the kernel's fs.nr_open: keep what there is
            pass
    files = UNLIMITED if soft == resource.RLIM_INFINITY else soft
    sockets = max(context.get(zmq.MAX_SOCKETS),
                  min(context.get(zmq.SOCKET_LIMIT), files // FDS_PER_SOCKET))
    context.set(zmq.MAX_SOCKETS, sockets)
    return sockets
