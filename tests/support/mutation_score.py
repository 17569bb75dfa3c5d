"""Per-module mutation score from mutmut's results in mutants/ (run by `make mutate`).

mutmut 3 keeps each source file's outcome in mutants/<file>.meta; a timeout counts as
killed, as in mutmut's own score. Prints a Markdown table and the surviving mutants.
"""

import json
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 36, -24}  # tests failed, pytest errored, timed out (wall clock or CPU)
SURVIVED = {0}


def outcomes(root: Path = Path("mutants")) -> dict[str, dict[str, int | None]]:
    """Module path -> mutant name -> exit code (None: not run yet)."""
    found = {}
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if codes:
            found[meta.relative_to(root).as_posix().removesuffix(".meta")] = codes
    return found


def main() -> None:
    modules = outcomes()
    print("| module | mutants | killed | survived | no test ran | not run | score |")
    print("|---|---|---|---|---|---|---|")
    survivors = []
    for module, codes in modules.items():
        kinds = Counter("killed" if code in KILLED else "survived" if code in SURVIVED
                        else "not run" if code is None else "no test" for code in codes.values())
        tried = kinds["killed"] + kinds["survived"] + kinds["no test"]
        score = f"{kinds['killed'] / tried:.1%}" if tried else "-"
        print(f"| `{module}` | {len(codes)} | {kinds['killed']} | {kinds['survived']} | "
              f"{kinds['no test']} | {kinds['not run']} | {score} |")
        survivors += [name for name, code in codes.items() if code in SURVIVED]
    print("\nSurvivors (`mutmut show NAME` prints the change):")
    for name in survivors:
        print(f"- `{name}`")


if __name__ == "__main__":
    main()
