#!/usr/bin/env python3
"""analysis/organisations.py counts organisations by children waiting (standard library only)."""

import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "analysis"))
import organisations  # noqa: E402


def sweep_csv(rows):
    f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="")
    f.write("point,replication,workforce.workers,metric,value\n")
    for point, rep, metric, value in rows:
        f.write(f"{point},{rep},100,{metric},{value}\n")
    f.close()
    return f.name


class Organisations(unittest.TestCase):
    def run_script(self, *args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = organisations.main(list(args))
        return code, out.getvalue()

    def test_counts_per_replication(self):
        # Three organisations, two replications: replication 0 has one above
        # 100 and one with none; replication 1 has two above and none empty.
        path = sweep_csv([
            (0, 0, "waiting_children_end", 150), (1, 0, "waiting_children_end", 0),
            (2, 0, "waiting_children_end", 100), (0, 1, "waiting_children_end", 101),
            (1, 1, "waiting_children_end", 300), (2, 1, "waiting_children_end", 5),
            (0, 0, "waitlist_end", 999), (1, 1, "waitlist_end", 0),
        ])
        code, out = self.run_script(path)
        self.assertEqual(code, 0)
        self.assertIn("3 organisations (points), 2 replications", out)
        many = next(l for l in out.splitlines() if "more than 100 waiting" in l)
        none = next(l for l in out.splitlines() if "none waiting" in l)
        self.assertIn("1.5", many)            # (1 + 2) / 2
        self.assertIn("replications 1-2", many)
        self.assertIn("0.5", none)            # (1 + 0) / 2
        self.assertIn("replications 0-1", none)
        os.unlink(path)

    def test_threshold_and_metric(self):
        path = sweep_csv([(0, 0, "waitlist_end", 60), (1, 0, "waitlist_end", 40)])
        code, out = self.run_script(path, "--metric", "waitlist_end", "--above", "50")
        self.assertEqual(code, 0)
        self.assertIn("more than 50 waiting", out)
        self.assertIn(" 1.0 ", out)
        os.unlink(path)

    def test_missing_metric_is_an_error(self):
        path = sweep_csv([(0, 0, "waitlist_end", 60)])
        code, _ = self.run_script(path)
        self.assertEqual(code, 1)
        os.unlink(path)


if __name__ == "__main__":
    unittest.main()
