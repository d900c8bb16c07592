#!/usr/bin/env python3
"""Extracts the GitHub Actions workflows shown in Markdown files, so that CI
can validate them like the repository's own (check-jsonschema, zizmor).

    python3 scripts/doc-workflows.py OUTDIR FILE.md...

A workflow is a ```yaml block whose first line is a comment naming its path,
`# .github/workflows/NAME.yml`; it is written to OUTDIR/<file>-NAME.yml (for
example README-agency.yml). Exits non-zero when a file shows none, so a
renamed or reformatted example cannot silently escape the checks.
"""

import pathlib
import re
import sys

BLOCK = re.compile(r"^```ya?ml\n(# \.github/workflows/([\w.-]+)\.ya?ml\n.*?)^```$", re.M | re.S)


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    for name in sys.argv[2:]:
        path = pathlib.Path(name)
        found = BLOCK.findall(path.read_text(encoding="utf-8"))
        if not found:
            print(f"{path}: no workflow (```yaml starting with # .github/workflows/…)", file=sys.stderr)
            status = 1
        for text, workflow in found:
            target = out / f"{path.stem}-{workflow}.yml"
            target.write_text(text, encoding="utf-8")
            print(f"{path} → {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
