"""`speerpunt`: the command line an operator, a translator and cron use.

Exit codes: 0 done; 1 the run failed and nothing was changed; 2 bad usage
or configuration; 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM, nothing
changed. A failure prints one line on stderr.
"""

import sys

from pipeline import clock
from pipeline.cli.commands import run, say
from pipeline.cli.parser import build_parser
from pipeline.errors import BadUsage, RunFailed, unexpected
from pipeline.publish import interrupt


def main(argv: list[str] | None = None) -> int:
    interrupt.install()
    try:
        args = build_parser().parse_args(argv)
        clock.epoch()  # SOURCE_DATE_EPOCH checked before anything starts
        return run(args)
    except interrupt.Interrupted as stop:
        say(str(stop))
        return stop.exit_code
    except BadUsage as problem:
        say(str(problem))
        return 2
    except RunFailed as problem:
        say(str(problem))
        return 1
    except Exception as error:  # a bug: still one line for cron, and nothing was published
        say(unexpected(error))
        return 1


if __name__ == "__main__":
    sys.exit(main())
