"""The command line: listing, validation, and bad input (exit status 2, a message naming what is wrong,
no output file)."""
import gzip
import os


def test_policies_and_mechanisms_are_listed(run_cli):
    out = run_cli("policies", check=0).stdout
    for name in ("never", "cloud", "nearest"):
        assert name in out
    assert "stateless-restart" in run_cli("mechanisms", check=0).stdout


def test_validate_prints_what_would_run(run_cli, tiny):
    out = run_cli("validate", os.path.join(tiny, "two_cells.textproto"), check=0).stdout
    assert "nearest" in out and "stateless-restart" in out
    assert "ok" in out


def test_missing_scenario_file(run_cli, tmp_path):
    p = run_cli("run", tmp_path / "nope.textproto", check=2)
    assert "nope.textproto" in p.stderr


def test_syntax_error_names_file_and_line(run_cli, tmp_path):
    bad = tmp_path / "bad.textproto"
    bad.write_text('name: "x"\ninfrastructure {\n  rsu { id: "r0" x_m: oops }\n}\n')
    p = run_cli("validate", bad, check=2)
    assert "bad.textproto:3" in p.stderr


def test_bad_value_names_field_and_value(run_cli, tiny, tmp_path):
    p = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--set", "telemetry.rate_hz=-5",
                "-o", tmp_path / "x.h5", check=2)
    assert "rate_hz" in p.stderr and "-5" in p.stderr
    assert not (tmp_path / "x.h5").exists()


def test_unknown_set_field(run_cli, tiny):
    p = run_cli("validate", os.path.join(tiny, "two_cells.textproto"), "--set", "telemetry.nope=1", check=2)
    assert "telemetry.nope" in p.stderr


def test_unknown_policy(run_cli, tiny):
    p = run_cli("validate", os.path.join(tiny, "two_cells.textproto"), "--set", "migration.policy=teleport",
                check=2)
    assert "teleport" in p.stderr


def test_bad_command_line(run_cli, tiny):
    run_cli("frobnicate", check=2)
    run_cli("run", check=2)
    run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--seed", "minus-one", check=2)


def test_bad_trace_leaves_no_output(run_cli, tiny, tmp_path):
    # A trace whose timesteps go backwards half-way: the run fails with exit 2, naming the file and line,
    # and leaves neither the output nor a partial file.
    src = open(os.path.join(tiny, "two_cells.fcd.xml")).read()
    lines = src.splitlines()
    cut = next(i for i, l in enumerate(lines) if 'time="30' in l)
    lines.insert(cut, '  <timestep time="5.00">\n  </timestep>')
    trace = tmp_path / "backwards.fcd.xml"
    trace.write_text("\n".join(lines))
    out = tmp_path / "bad.h5"
    p = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--set", f"mobility.trace={trace}",
                "-o", out, check=2)
    assert "backwards.fcd.xml" in p.stderr
    assert not out.exists()
    assert not (tmp_path / "bad.h5.partial").exists()


def test_truncated_gzip_trace(run_cli, tiny, tmp_path):
    data = gzip.compress(open(os.path.join(tiny, "two_cells.fcd.xml"), "rb").read())
    trace = tmp_path / "cut.fcd.xml.gz"
    trace.write_bytes(data[: len(data) // 2])
    out = tmp_path / "cut.h5"
    p = run_cli("run", os.path.join(tiny, "two_cells.textproto"), "--set", f"mobility.trace={trace}",
                "-o", out, check=2)
    assert "cut.fcd.xml.gz" in p.stderr
    assert not out.exists()
