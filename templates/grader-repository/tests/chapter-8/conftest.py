"""Fakes for the chapter 8 tests (an HTTP health checker): no test touches the network."""

import pytest


def pytest_configure(config):
    # Markers select groups of tests in the instructor's testGrading configuration.
    config.addinivalue_line("markers", "timeouts: the request is bounded in time")


class FakeResponse:
    """What urllib.request.urlopen returns, as a context manager."""

    def __init__(self, status):
        self.status = status

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


class FakeOpener:
    """Stands in for urlopen: records each call, answers with `status` or raises `error`."""

    def __init__(self, status=200, error=None):
        self.status = status
        self.error = error
        self.calls = []

    def __call__(self, url, *args, **kwargs):
        self.calls.append((url, args, kwargs))
        if self.error is not None:
            raise self.error
        return FakeResponse(self.status)


@pytest.fixture
def opener():
    return FakeOpener()
