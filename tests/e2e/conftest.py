"""End-to-end tests: the v2xsim command on scenarios/tiny, checked through its HDF5 output (Debian's h5py)."""
import os
import subprocess

import pytest


def pytest_addoption(parser):
    parser.addoption("--v2xsim", required=True, help="path of the v2xsim executable")
    parser.addoption("--repo", required=True, help="repository root")


@pytest.fixture(scope="session")
def v2xsim(request):
    return request.config.getoption("--v2xsim")


@pytest.fixture(scope="session")
def repo(request):
    return request.config.getoption("--repo")


@pytest.fixture(scope="session")
def run_cli(v2xsim):
    def run(*args, check=None):
        proc = subprocess.run([v2xsim, *map(str, args)], capture_output=True, text=True, timeout=300)
        if check is not None:
            assert proc.returncode == check, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        return proc

    return run


@pytest.fixture(scope="session")
def tiny(repo):
    return os.path.join(repo, "scenarios", "tiny")
