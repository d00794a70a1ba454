#!/usr/bin/python3
"""The baseline the pass benchmark sets plan-reminder's figures beside: a plain Python script
that only loads a deployment's YAML (the agency directory and every plan file) with PyYAML's C
loader (libyaml), as a council's own script would, and checks nothing.

    /usr/bin/python3 tests/bench/pyyaml_load.py CORPUS_FOLDER

CORPUS_FOLDER holds agencies.yaml and plans/*.yaml (tests/bench/generate_corpus.py). Prints
the files, bytes and milestones loaded and the seconds it took (wall and CPU).
"""

import glob
import os
import sys
import time

import yaml


def milestones(plan):
    count = 0
    for recommendation in (plan or {}).get("recommendations") or []:
        for action in recommendation.get("actions") or []:
            # An action without milestones is one implicit milestone (its own target).
            count += len(action.get("milestones") or []) or 1
    return count


def main():
    if len(sys.argv) != 2:
        print("usage: pyyaml_load.py CORPUS_FOLDER", file=sys.stderr)
        return 64
    folder = sys.argv[1]
    files = [os.path.join(folder, "agencies.yaml")]
    files += sorted(glob.glob(os.path.join(folder, "plans", "*.yaml")))
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        print("PyYAML here has no C loader (libyaml): install Debian's python3-yaml",
              file=sys.stderr)
        return 69
    wall, cpu = time.perf_counter(), time.process_time()
    size = count = 0
    for n, path in enumerate(files):
        with open(path, "rb") as f:
            text = f.read()
        size += len(text)
        document = yaml.load(text, Loader=loader)
        if n > 0:  # a plan, not the directory
            count += milestones(document)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{len(files)} files, {size / 1e6:.1f} MB, {count} milestones: "
          f"{wall:.2f} s wall, {cpu:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
