#!/usr/bin/env python3
"""Checks a Prometheus text exposition with prometheus_client's own parser.

Usage: check-metrics.py PREFIX FILE

Fails (exit 1, naming the problem) unless the parser reads FILE whole, every family has a
HELP text and a type, every name starts with PREFIX_, counters end in _total (the parser
drops the suffix from the family name), no label takes more than 64 values, and no sample
is NaN or negative where a count is meant. Prints each sample as JSON,
{"name{label=\"v\",...}": value}, labels sorted, for the caller to check values.

prometheus_client comes from Debian's python3-prometheus-client (scripts/install-deps
--tests); run this with /usr/bin/python3, which sees Debian's packages.
"""
import json
import math
import sys
from collections import defaultdict

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    prefix, path = sys.argv[1], sys.argv[2]
    text = open(path, encoding="utf-8").read()
    problems = []
    samples = {}
    values_by_label = defaultdict(set)
    families = list(text_string_to_metric_families(text))
    if not families:
        problems.append("no metric families")
    for family in families:
        if not family.name.startswith(prefix + "_"):
            problems.append(f"{family.name}: does not start with {prefix}_")
        if not family.documentation:
            problems.append(f"{family.name}: no HELP text")
        if family.type == "unknown":
            problems.append(f"{family.name}: no TYPE")
        for sample in family.samples:
            if family.type == "counter" and not sample.name.endswith(("_total", "_created")):
                problems.append(f"{sample.name}: a counter's sample must end in _total")
            if math.isnan(sample.value) or (family.type in ("counter", "histogram") and sample.value < 0):
                problems.append(f"{sample.name}: value {sample.value}")
            for key, value in sample.labels.items():
                values_by_label[(family.name, key)].add(value)
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            samples[sample.name + ("{" + labels + "}" if labels else "")] = sample.value
    for (name, key), values in values_by_label.items():
        if key != "le" and len(values) > 64:
            problems.append(f"{name}: label {key} has {len(values)} values")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    json.dump(samples, sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
