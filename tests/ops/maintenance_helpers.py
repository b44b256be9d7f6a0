from django.test import TestCase

from ops.services import maintenance_end, maintenance_start


def close_shop(**fields):
    """maintenance_start, its on-commit callbacks run (the test's transaction never commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return maintenance_start(**fields)


def open_shop(**fields):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return maintenance_end(**fields)
