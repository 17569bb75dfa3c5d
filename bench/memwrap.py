"""Fallback for `/usr/bin/time -f '%M %U %S' -o FILE`: run a command, write its peak RSS (KiB),
user and system seconds to FILE.

Usage: python bench/memwrap.py FILE COMMAND [ARG...]
Exits with the command's exit status. Only used where GNU time is missing.
"""

import os
import resource
import sys


def main() -> int:
    report, command = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # ru_maxrss: KiB on Linux
    with open(report, "w") as handle:
        handle.write(f"{usage.ru_maxrss} {usage.ru_utime:.2f} {usage.ru_stime:.2f}\n")
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code  # killed by a signal: 128 + its number


if __name__ == "__main__":
    sys.exit(main())
