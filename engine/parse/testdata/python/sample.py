#!/usr/bin/env python3
"""A golden-test input for the Python analyzer."""

import os
import sys as system
from collections import OrderedDict


# A module-level constant.
LIMIT = 10


class Stack:
    """A stack."""

    def __init__(self):
        self.items = []

    def push(self, x):
        if x is None or x == "":
            raise ValueError("empty")
        self.items.append(x)

    @property
    def top(self):
        return self.items[-1] if self.items else None


def walk(root):
    for dirpath, _, files in os.walk(root):
        try:
            yield [f for f in files if f.endswith(".py")]
        except OSError:
            pass

    def helper():
        return 1

    return helper


if __name__ == "__main__":
    walk(system.argv[1])
