"""pytest options of the analysis tests. `--skipped-exit=N`: end with status N instead of 0 when some test was
skipped and none failed, so that CTest (SKIP_RETURN_CODE) reports the test as skipped rather than passed when
what it needs (influxd, chromium, the built simulator) is missing."""


def pytest_addoption(parser):
    parser.addoption("--skipped-exit", type=int, default=None,
                     help="exit status when some test was skipped and none failed (CTest's SKIP_RETURN_CODE)")


def pytest_sessionfinish(session, exitstatus):
    code = session.config.getoption("--skipped-exit")
    if code is None or exitstatus != 0:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped"):
        session.exitstatus = code
