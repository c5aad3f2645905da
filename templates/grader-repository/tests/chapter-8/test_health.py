"""Example grader tests for the chapter 8 exercise: `healthcheck.health_url`, `is_healthy` and
`exit_code`. Node ids are relative to this folder (`test_health.py::test_healthy_when_200`), which is
what the testGrading configuration's `tests:` patterns match."""

import urllib.error

import pytest

import healthcheck
from conftest import FakeOpener


def test_health_url_adds_path():
    assert healthcheck.health_url("https://api.example.org/") == "https://api.example.org/health"


def test_healthy_when_200(opener):
    assert healthcheck.is_healthy("https://api.example.org", opener=opener) is True


def test_unhealthy_when_refused():
    opener = FakeOpener(error=urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")))
    assert healthcheck.is_healthy("https://api.example.org", opener=opener) is False


@pytest.mark.timeouts
def test_request_has_timeout(opener):
    healthcheck.is_healthy("https://api.example.org", opener=opener)
    (_, args, kwargs) = opener.calls[0]
    timeout = kwargs.get("timeout", args[1] if len(args) > 1 else None)
    assert timeout is not None and 0 < timeout <= 30, f"timeout={timeout!r}"


def test_exit_code_reports_any_unhealthy_service():
    assert healthcheck.exit_code({"a": True, "b": False}) == 1
