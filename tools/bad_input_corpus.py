#!/usr/bin/python3
"""Adversarial corpus for issue 17: bad and edge inputs of every kind, run against a v2xsim binary.

  tools/bad_input_corpus.py V2XSIM REPO [--only ID-or-KIND,...] [--asan] [--list]

--asan: the environment of `make asan` (for a build-asan v2xsim). As root it also mounts two tiny tmpfs
(/tmp/corpus17-full, 200 kB, filled to 16 kB free; /tmp/corpus17-ro, read-only) and makes a character device
in /tmp; without root those cases are skipped. Not part of the test suites: the cases it found are in
tests/e2e/test_bad_input.py.

Writes the inputs under /tmp/corpus17/inputs, runs each case in its own empty working folder with `timeout`,
and checks: the exit status (2 unless the case says otherwise), that the message names the file/field/line
and the value (the case's needles), no raw control byte, no 30-digit number, no "internal error", no abort
or sanitizer report, and no debris (no .h5/.partial/.tmp left in the case's output folder, nothing new in its
working folder). Prints one line per case and the tally."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = "/tmp/corpus17"
INP = f"{ROOT}/inputs"


def w(name, text, mode="w"):
    path = f"{INP}/{name}"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)
    return path


def sets(*pairs):
    out = []
    for p in pairs:
        out += ["--set", p]
    return out


class Case:
    def __init__(self, id, argv, needles=(), status=2, kind="", setup=None, signal_after=None, timeout=120,
                 check=None, stdin=None, env=None, allow_output=False, runner=None):
        self.id, self.argv, self.needles, self.status, self.kind = id, argv, list(needles), status, kind
        self.setup, self.signal_after, self.timeout, self.check = setup, signal_after, timeout, check
        self.env, self.allow_output, self.runner = env, allow_output, runner


def build_cases(repo):
    shutil.rmtree(INP, ignore_errors=True)
    os.makedirs(INP)
    tiny_src = f"{repo}/scenarios/tiny"
    shutil.copy(f"{tiny_src}/two_cells.textproto", f"{INP}/tiny.textproto")
    shutil.copy(f"{tiny_src}/two_cells.fcd.xml", f"{INP}/two_cells.fcd.xml")
    shutil.copy(f"{repo}/platforms/small.xml", f"{INP}/small.xml")
    tiny = f"{INP}/tiny.textproto"
    default = f"{repo}/scenarios/default.textproto"
    tiny_text = open(tiny).read()
    C = []

    def field(id, s, needles, **kw):
        C.append(Case(id, ["run", tiny, *sets(*s), "-o", "{out}/x.h5"], needles, kind="scenario field", **kw))

    # ---- scenario fields and bounds (--set) ----
    field("max_gap_negative", ["mobility.max_gap_s=-1"], ["max_gap_s", "-1"])
    field("max_gap_nan", ["mobility.max_gap_s=nan"], ["max_gap_s", "nan"])
    field("max_gap_tiny", ["mobility.max_gap_s=1e-300"], [], status=None, allow_output=True)  # each step re-enters
    field("start_s_huge", ["mobility.start_s=1e300"], ["start_s", "1e+300"])
    field("start_s_negative", ["mobility.start_s=-5"], ["start_s", "-5"])
    field("rsu_rate_huge", ["telemetry.rsu_rate_hz=1e9"], ["rsu_rate_hz", "1000000000"])
    field("rsu_message_negative", ["telemetry.rsu_message_b=-1"], ["rsu_message_b", "-1"])
    field("start_jitter_nan", ["telemetry.start_jitter_s=nan"], ["start_jitter_s", "nan"])
    field("payload_huge", ["telemetry.payload_b=4294967295"], ["payload_b", "4294967295"])
    field("path_history_huge", ["telemetry.path_history_points=4000000000"], ["path_history_points", "4000000000"])
    field("cam_security_negative", ["telemetry.cam_sizes.security_b=-1"], ["security_b", "-1"])
    field("cam_header_inf", ["telemetry.cam_sizes.header_b=inf"], ["header_b", "inf"])
    field("twin_cpu_zero", ["twin.cpu_cores=0"], ["cpu_cores", "'0'"])
    field("twin_cpu_huge", ["twin.cpu_cores=1e300"], ["cpu_cores", "1e+300"])
    field("twin_memory_inf", ["twin.memory_mb=inf"], ["twin.memory_mb", "inf"])
    field("twin_state_huge", ["twin.state_b=1e300"], ["state_b", "1e+300"])
    field("twin_flops_negative", ["twin.message_flops=-1"], ["message_flops", "-1"])
    field("twin_dirty_huge", ["twin.dirty_rate_bps=1e300"], ["dirty_rate_bps", "1e+300"])
    field("twin_state_window_zero", ["twin.state_window_s=0"], [], status=0, allow_output=True)  # rebuilt at once
    field("hybrid_sync_tiny", ["twin.mode=HYBRID", "twin.hybrid.sync_period_s=1e-300"], ["sync_period_s", "1e-300"])
    field("hybrid_cloud_cores_nan", ["twin.mode=HYBRID", "twin.hybrid.cloud_cpu_cores=nan"], ["cloud_cpu_cores", "nan"])
    field("readiness_period_tiny", ["orchestrator.readiness_period_s=1e-300"], ["readiness_period_s", "1e-300"])
    field("grace_negative", ["orchestrator.termination_grace_period_s=-5"], ["termination_grace_period_s", "-5"])
    field("uniform_min_above_max", ["orchestrator.request.kind=UNIFORM", "orchestrator.request.min_s=5",
                                    "orchestrator.request.max_s=1"], ["orchestrator.request", "min_s"])
    field("lognormal_sigma_negative", ["orchestrator.scheduling.kind=LOGNORMAL", "orchestrator.scheduling.value_s=1",
                                       "orchestrator.scheduling.sigma=-1"], ["scheduling.sigma", "-1"])
    field("exponential_mean_huge", ["orchestrator.container_start.kind=EXPONENTIAL",
                                    "orchestrator.container_start.value_s=1e300"], ["container_start", "1e+300"])
    field("prepulled_unknown", ["orchestrator.prepulled[0]=nope"], ["prepulled[0]", "nope"])
    field("manual_at_nan", ["migration.manual[0].at_s=nan", "migration.manual[0].station=veh0",
                            "migration.manual[0].to=mec1"], ["manual[0].at_s", "nan"])
    field("manual_to_unknown", ["migration.manual[0].at_s=5", "migration.manual[0].station=veh0",
                                "migration.manual[0].to=mars"], ["manual[0].to", "mars"])
    field("hysteresis_dwell_negative", ["migration.policy=hysteresis", "migration.hysteresis.dwell_s=-1"],
          ["dwell_s", "-1"])
    field("latency_window_nan", ["migration.policy=latency", "migration.latency.window_s=nan"], ["window_s", "nan"])
    field("predictive_horizon_huge", ["migration.policy=predictive", "migration.predictive.horizon_s=1e300"],
          ["horizon_s", "1e+300"])
    field("load_aware_util_two", ["migration.policy=load-aware", "migration.load_aware.max_utilisation=2"],
          ["max_utilisation", "'2'"])
    field("pre_copy_target_zero", ["migration.mechanism=pre-copy", "migration.pre_copy.downtime_target_s=0"],
          ["downtime_target_s", "'0'"])
    field("post_copy_fault_zero", ["migration.mechanism=post-copy", "migration.post_copy.fault_b=0"], [], status=0,
          allow_output=True)  # free faults: documented >= 0
    field("external_no_command", ["migration.policy=external"], ["migration.external"])
    field("external_timeout_zero", ["migration.policy=external", "migration.external.command=true",
                                    "migration.external.timeout_s=0"], ["timeout_s", "> 0"])
    field("retry_limit_zero", ["network.radio.retry_limit=0"], ["retry_limit", "'0'"])
    field("retry_limit_huge", ["network.radio.retry_limit=1000"], ["retry_limit", "1000"])
    field("basic_rate_not_ofdm", ["network.radio.basic_rate_mbps=7"], ["basic_rate_mbps", "'7'"])
    field("nakagami_below_half", ["network.radio.loss.nakagami_m_near=0.1"], ["nakagami_m_near", "0.1"])
    field("carrier_sense_negative", ["network.radio.carrier_sense_range_m=-1"], ["carrier_sense_range_m", "-1"])
    field("reassociation_nan", ["network.radio.reassociation_s=nan"], ["reassociation_s", "nan"])
    field("sample_every_zero", ["output.messages_mode=SAMPLED", "output.message_sample_every=0"],
          ["message_sample_every", "'0'"])
    field("warmup_huge", ["output.warmup_s=1e300"], ["warmup_s", "1e+300"])
    field("energy_idle_negative", ["energy.idle_w_per_core=-1"], ["idle_w_per_core", "-1"])
    field("energy_full_below_idle", ["energy.idle_w_per_core=10", "energy.full_w_per_core=2"], ["full_w_per_core"])
    field("tsdb_site_unknown", ["tsdb.enabled=true", "tsdb.site=nope"], ["tsdb.site", "nope"])
    field("tsdb_period_tiny", ["tsdb.enabled=true", "tsdb.point_period_s=1e-300"], ["point_period_s", "1e-300"])
    field("broker_site_unknown", ["infrastructure.broker[0].id=b0", "infrastructure.broker[0].site=nope"],
          ["broker[0].site", "nope"])
    field("broker_flops_zero", ["infrastructure.broker[0].id=b0", "infrastructure.broker[0].site=mec0",
                                "infrastructure.broker[0].service_flops=0"], [], status=0, allow_output=True)
    field("registry_bandwidth_zero", ["infrastructure.image_registry_bandwidth_bps=0"],
          ["image_registry_bandwidth_bps", "'0'"])
    field("registry_latency_nan", ["infrastructure.image_registry_latency_s=nan"], ["image_registry_latency_s", "nan"])
    field("rsu_channel_huge", ["infrastructure.rsu[0].channel=999"], [], status=0, allow_output=True)  # a label
    field("cell_capacity_zero", ["infrastructure.rsu[0].cell_capacity_bps=0"], ["cell_capacity_bps", "'0'"])
    field("rsu_mec_unknown", ["infrastructure.rsu[0].mec=nope"], ["rsu[0].mec", "nope"])
    field("rsu_id_duplicate", ["infrastructure.rsu[1].id=r0"], ["rsu[1].id", "r0"])
    field("rsu_id_same_as_mec", ["infrastructure.rsu[1].id=mec0"], ["rsu[1].id", "mec0"])
    field("mec_id_empty", ["infrastructure.mec[0].id="], ["mec[0].id"])
    field("mec_memory_negative", ["infrastructure.mec[0].memory_mb=-1"], ["memory_mb", "-1"])
    field("mec_idle_w_nan", ["infrastructure.mec[0].idle_w=nan"], ["idle_w", "nan"])
    field("link_unknown_end", ["infrastructure.link[0].from=r0", "infrastructure.link[0].to=nowhere"],
          ["link[0].to", "nowhere"])
    field("link_latency_nan", ["infrastructure.link[0].from=r0", "infrastructure.link[0].to=mec0",
                               "infrastructure.link[0].latency_s=nan"], ["link[0].latency_s", "nan"])
    field("duration_nan", ["duration_s=nan"], ["duration_s", "nan"])
    field("duration_huge", ["duration_s=1e300"], ["duration_s", "1e+300"])
    field("rate_step_nan", ["network.rate_step[0].distance_m=nan", "network.rate_step[0].rate_bps=750000"],
          ["rate_step[0].distance_m", "nan"])
    field("rate_step_not_ofdm", ["network.rate_step[0].distance_m=100", "network.rate_step[0].rate_bps=12345"],
          ["rate_step[0].rate_bps", "12345"])
    field("healing_reconnect_nan", ["healing.reconnect_s=nan"], ["reconnect_s", "nan"])
    field("random_fault_end_before_start", ["random_fault[0].target[0]=mec1", "random_fault[0].mtbf_s=5",
                                            "random_fault[0].mttr_s=1", "random_fault[0].start_s=30",
                                            "random_fault[0].end_s=10"], ["random_fault[0]", "end_s"])
    field("fault_after_end", ["fault[0].target=mec0", "fault[0].at_s=1e9", "fault[0].for_s=1"],
          ["fault[0].at_s", "1000000000"])
    field("name_control_bytes", ["name=a\x1b[2Jb"], [], status=0, allow_output=True)  # a name is free text
    # --set itself
    field("set_index_gap", ["infrastructure.rsu[5].x_m=1"], ["rsu[5]"])
    field("set_index_huge", ["infrastructure.rsu[99999999999].x_m=1"], ["rsu[99999999999]"])
    field("set_index_negative", ["infrastructure.rsu[-1].x_m=1"], ["rsu[-1]"])
    field("set_enum_unknown", ["output.messages_mode=BOGUS"], ["messages_mode", "BOGUS"])
    field("set_bool_bad", ["output.messages=maybe"], ["output.messages", "maybe"])
    field("set_message_field", ["infrastructure=1"], ["infrastructure"])
    field("set_empty_path", ["=1"], ["--set", "=1"])
    field("set_int_with_fraction", ["infrastructure.mec[0].cores=1.5"], ["cores", "1.5"])
    field("set_uint_negative", ["infrastructure.mec[0].pod_slots=-1"], ["pod_slots", "-1"])
    field("set_double_hex", ["telemetry.rate_hz=0x10"], ["rate_hz", "0x10"])
    field("set_trailing_garbage", ["telemetry.rate_hz=10abc"], ["rate_hz", "10abc"])
    field("set_empty_value", ["telemetry.rate_hz="], ["rate_hz"])
    field("set_repeated_scalar_index", ["orchestrator.prepulled[3]=mec0"], ["prepulled[3]"])
    field("set_deep_unknown", ["migration.hysteresis.margin_m.x=1"], ["margin_m"])

    # ---- scenario files ----
    def scen(id, name, text, needles, mode="w", **kw):
        path = w(name, text, mode)
        C.append(Case(id, ["run", path, "-o", "{out}/x.h5"], needles, kind="scenario file", **kw))

    scen("scenario_empty", "empty.textproto", "", ["empty.textproto", "trace"])
    scen("scenario_binary", "binary.textproto", b"\x00\x01\x02\xff\xfe garbage\n", ["binary.textproto"], mode="wb")
    scen("scenario_nul_inside", "nul.textproto", b'name: "a\x00b"\n', ["nul.textproto"], mode="wb")
    scen("scenario_duplicate_field", "dup.textproto", tiny_text + '\nseed: 3\nseed: 4\n', ["dup.textproto", "seed"])
    scen("scenario_unknown_enum", "enum.textproto", tiny_text.replace("messages: true", "messages_mode: SOMETIMES"),
         ["enum.textproto", "SOMETIMES"])
    scen("scenario_deep_nesting", "deep.textproto", "migration { " * 200 + "}" * 200 + "\n", ["deep.textproto"])
    scen("scenario_huge_string", "hugestr.textproto", tiny_text.replace('name: "tiny_two_cells"',
                                                                          'name: "' + "x" * 5_000_000 + '"'), [],
         status=0, allow_output=True, timeout=120)
    scen("scenario_trace_is_itself", "self.textproto",
         tiny_text.replace('"two_cells.fcd.xml"', '"self.textproto"'), ["self.textproto"])
    scen("scenario_missing_trace_relative", "mt.textproto",
         tiny_text.replace('"two_cells.fcd.xml"', '"no/such/trace.xml"'), ["mobility.trace", "no/such/trace.xml"])
    scen("scenario_invalid_utf8", "utf8.textproto", tiny_text.encode() + b'\nname: "\xff\xfe"\n', ["utf8.textproto"],
         mode="wb", status=None)
    scen("scenario_crlf", "crlf.textproto", tiny_text.replace("\n", "\r\n"), [], status=0, allow_output=True)
    scen("scenario_no_rsu", "norsu.textproto", re.sub(r"\n  rsu \{[^\n]*\}", "", tiny_text), ["rsu"])
    scen("scenario_no_mec", "nomec.textproto", re.sub(r"\n  mec \{[^\n]*\}", "", tiny_text), ["mec"])
    C.append(Case("scenario_missing", ["run", f"{INP}/nope.textproto", "-o", "{out}/x.h5"], ["nope.textproto"],
                  kind="scenario file"))
    C.append(Case("scenario_is_dev_null", ["run", "/dev/null", "-o", "{out}/x.h5"], ["/dev/null"], kind="scenario file"))
    def fifo_writer(c):  # a scenario from a pipe, as `v2xsim run <(generate)` gives
        path = f"{INP}/fifo.textproto"
        if not os.path.exists(path):
            os.mkfifo(path)
        import threading
        threading.Thread(target=lambda: open(path, "w").write(
            tiny_text.replace('"two_cells.fcd.xml"', f'"{INP}/two_cells.fcd.xml"')), daemon=True).start()
    C.append(Case("scenario_from_fifo", ["run", f"{INP}/fifo.textproto", "-q", "-o", "{out}/x.h5"],
                  ["fifo.textproto", "not a regular file"], kind="scenario file", setup=fifo_writer, timeout=30))

    # ---- traces ----
    def trace(id, name, content, needles, mode="w", fmt=None, **kw):
        path = w(f"traces/{name}", content, mode)
        argv = ["run", tiny, *sets(f"mobility.trace={path}"), "-o", "{out}/x.h5"]
        if fmt:
            argv += ["--trace-format", fmt]
        C.append(Case(id, argv, needles, kind="trace", **kw))

    FCD = '<fcd-export>\n<timestep time="{t}">\n<vehicle id="v0" x="{x}" y="{y}" speed="{s}" angle="90"/>\n' \
          '</timestep>\n<timestep time="1">\n<vehicle id="v0" x="10" y="0" speed="5" angle="90"/>\n</timestep>\n' \
          '</fcd-export>\n'
    trace("fcd_empty", "empty.xml", "", ["empty.xml"])
    trace("fcd_header_only", "hdr.fcd.xml", '<?xml version="1.0"?>\n<fcd-export>\n', ["hdr.fcd.xml"])
    trace("fcd_negative_time", "negt.fcd.xml", FCD.format(t="-5", x=0, y=0, s=1), [], status=0,
          allow_output=True)  # start_s 0 = the first timestep: the trace is shifted
    trace("fcd_nan_x", "nanx.fcd.xml", FCD.format(t="0", x="nan", y=0, s=1), ["nanx.fcd.xml", "nan"])
    trace("fcd_huge_x", "hugex.fcd.xml", FCD.format(t="0", x="1e300", y=0, s=1), ["hugex.fcd.xml", "1e300"])
    trace("fcd_inf_speed", "infs.fcd.xml", FCD.format(t="0", x="0", y=0, s="inf"), ["infs.fcd.xml", "inf"])
    trace("fcd_time_backwards", "back.fcd.xml", FCD.format(t="5", x=0, y=0, s=1), ["back.fcd.xml", "time"])
    trace("fcd_huge_time", "huget.fcd.xml", FCD.format(t="0", x=0, y=0, s=1).replace('time="1"', 'time="1e300"'),
          ["huget.fcd.xml", "1e300"])
    trace("fcd_missing_x", "nox.fcd.xml", '<fcd-export>\n<timestep time="0">\n<vehicle id="v0" y="0"/>\n'
          '</timestep>\n</fcd-export>\n', ["nox.fcd.xml", "x"])
    trace("fcd_duplicate_vehicle", "dupv.fcd.xml", '<fcd-export>\n<timestep time="0">\n'
          '<vehicle id="v0" x="0" y="0"/>\n<vehicle id="v0" x="5" y="0"/>\n</timestep>\n</fcd-export>\n',
          ["dupv.fcd.xml", "v0"])
    trace("fcd_truncated_gz", "trunc.fcd.xml.gz", open(f"{repo}/tests/data/traces/bologna_60s.fcd.xml.gz", "rb").read()[:5000],
          ["trunc.fcd.xml.gz"], mode="wb")
    trace("fcd_gz_garbage", "garbage.xml.gz", b"\x1f\x8b\x08\x00garbagegarbage", ["garbage.xml.gz"], mode="wb")
    trace("fcd_xz_garbage", "garbage.xml.xz", b"\xfd7zXZ\x00garbage", ["garbage.xml.xz"], mode="wb")
    trace("fcd_geo_lat_out_of_range", "geo.fcd.xml", '<fcd-export>\n<timestep time="0">\n'
          '<vehicle id="v0" lon="11.3" lat="95"/>\n</timestep>\n<timestep time="1">\n'
          '<vehicle id="v0" lon="11.3" lat="95"/>\n</timestep>\n</fcd-export>\n', ["geo.fcd.xml", "95"])
    trace("fcd_entity_bomb", "bomb.fcd.xml", '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {chr(98+i)} "' + f"&{chr(97+i)};" * 10 + '">' for i in range(8))
          + ']>\n<fcd-export><timestep time="0"><vehicle id="&i;" x="0" y="0"/></timestep></fcd-export>\n',
          ["bomb.fcd.xml"], timeout=60)
    trace("csv_header_only", "h.csv", "time,id,x,y\n", ["h.csv", "empty trace"])
    trace("csv_missing_columns", "mc.csv", "time,id,x\n0,a,1\n", ["mc.csv", "y"])
    trace("csv_nan", "nan.csv", "time,id,x,y\n0,a,nan,2\n1,a,1,2\n", ["nan.csv", ":2", "nan"])
    trace("csv_inf_time", "inf.csv", "time,id,x,y\n0,a,1,2\ninf,a,1,2\n", ["inf.csv", ":3", "inf"])
    trace("csv_negative_time", "neg.csv", "time,id,x,y\n-3,a,1,2\n1,a,1,2\n", [], status=0, allow_output=True)
    trace("csv_huge_coordinate", "huge.csv", "time,id,x,y\n0,a,1e300,2\n1,a,1,2\n", ["huge.csv", ":2", "1e300"])
    trace("csv_crlf_bom", "crlf.csv", "\ufefftime,id,x,y\r\n0,veh0,100,0\r\n1,veh0,115,0\r\n", [], status=0,
          allow_output=True)
    trace("csv_quoted_id", "q.csv", 'time,id,x,y\n0,"a,b",1,2\n1,"a,b",2,2\n', [], status=0, allow_output=True)
    trace("csv_empty_id", "eid.csv", "time,id,x,y\n0,,1,2\n", ["eid.csv", ":2"])
    trace("csv_time_backwards", "tb.csv", "time,id,x,y\n5,a,1,2\n1,a,1,2\n", ["tb.csv", ":3"])
    trace("csv_binary", "bin.csv", b"time,id,x,y\n\x00\x01\x02\x03\x04\n", ["bin.csv"], mode="wb", fmt="csv")
    trace("csv_very_long_line", "long.csv", "time,id,x,y\n0," + "a" * 2_000_000 + ",1,2\n", ["long.csv"],
          status=None, allow_output=True)
    NS2 = '$node_(0) set X_ 0.0\n$node_(0) set Y_ 0.0\n$node_(0) set Z_ 0.0\n'
    trace("ns2_empty", "e.tcl", "", ["e.tcl"], fmt="ns2")
    trace("ns2_header_only", "ho.tcl", NS2, ["ho.tcl"], status=None)
    trace("ns2_nan_dest", "nd.tcl", NS2 + '$ns_ at 1.0 "$node_(0) setdest nan 10.0 5.0"\n', ["nd.tcl", ":4", "nan"])
    trace("ns2_negative_time", "nt.tcl", NS2 + '$ns_ at -1.0 "$node_(0) setdest 10.0 10.0 5.0"\n', [], status=0,
          allow_output=True)
    trace("ns2_huge_node", "hn.tcl", '$node_(99999999999999999999) set X_ 0.0\n', ["hn.tcl", "empty trace"])
    trace("ns2_malformed", "mf.tcl", NS2 + '$ns_ at 1.0 "$node_(0) setdest 10.0\n', ["mf.tcl", ":4"])
    trace("ns2_zero_speed", "zs.tcl", NS2 + '$ns_ at 1.0 "$node_(0) setdest 10.0 10.0 0.0"\n', ["zs.tcl"],
          status=None, allow_output=True)
    trace("ns2_huge_speed", "hs.tcl", NS2 + '$ns_ at 1.0 "$node_(0) setdest 10.0 10.0 1e300"\n', ["hs.tcl", "1e300"])
    trace("trace_format_mismatch", "real.fcd.xml", open(f"{INP}/two_cells.fcd.xml").read(), ["real.fcd.xml"], fmt="ns2")
    C.append(Case("trace_info_missing", ["trace", "info", f"{INP}/traces/absent.xml"], ["absent.xml"], kind="trace"))
    C.append(Case("trace_info_nan", ["trace", "info", f"{INP}/traces/nan.csv"], ["nan.csv", "nan"], kind="trace"))
    C.append(Case("trace_info_format_bad", ["trace", "info", f"{INP}/two_cells.fcd.xml", "--format", "gpx"],
                  ["gpx"], kind="trace"))
    w("traces/geo_ok.fcd.xml", '<fcd-export>\n<timestep time="0">\n<vehicle id="v0" lon="11.3" lat="44.5"/>\n'
      '</timestep>\n<timestep time="1">\n<vehicle id="v0" lon="11.3001" lat="44.5"/>\n</timestep>\n</fcd-export>\n')
    C.append(Case("trace_info_projection_bad", ["trace", "info", f"{INP}/traces/geo_ok.fcd.xml", "--projection",
                                                "+proj=nope"], ["nope"], kind="trace"))
    C.append(Case("trace_option_missing", ["run", tiny, "--trace", f"{INP}/traces/absent2.xml", "-o", "{out}/x.h5"],
                  ["absent2.xml"], kind="trace"))

    # ---- RSU / MEC sites ----
    def sites(id, content, needles, opt="--rsu-sites", **kw):
        path = w(f"sites/{id}.csv", content)
        C.append(Case(id, ["run", tiny, opt, path, "-o", "{out}/x.h5"], needles, kind="sites csv", **kw))

    sites("sites_duplicate_id", "id,x,y\nr0,0,0\nr0,100,0\n", ["sites_duplicate_id.csv:3", "r0"])
    sites("sites_nan", "id,x,y\nr0,nan,0\n", ["sites_nan.csv:2", "nan"])
    sites("sites_lonlat_for_xy_trace", "id,lon,lat\nr0,11.3,44.5\n", ["sites_lonlat_for_xy_trace.csv"])
    sites("sites_lat_out_of_range", "id,lon,lat\nr0,11.3,95\n", ["sites_lat_out_of_range.csv", "95"])
    sites("sites_empty_file", "", ["sites_empty_file.csv"])
    sites("sites_unknown_header", "name,east,north\nr0,0,0\n", ["sites_unknown_header.csv:1"])
    sites("sites_short_row", "id,x,y\nr0,5\n", ["sites_short_row.csv:2"])
    sites("sites_id_collides_mec", "id,x,y\nmec0,0,0\n", ["mec0"])
    sites("mec_sites_nan", "id,x,y\nm0,nan,0\n", ["mec_sites_nan.csv:2", "nan"], opt="--mec-sites")
    sites("mec_sites_empty", "id,x,y\n", ["mec_sites_empty.csv"], opt="--mec-sites")
    C.append(Case("rsu_grid_zero", ["run", tiny, "--rsu-grid", "0", "-o", "{out}/x.h5"], ["--rsu-grid", "0"],
                  kind="command line"))
    C.append(Case("rsu_grid_tiny", ["run", tiny, "--rsu-grid", "1e-6", "-o", "{out}/x.h5"], ["--rsu-grid"],
                  kind="command line", timeout=60))
    C.append(Case("rsu_grid_nan", ["run", tiny, "--rsu-grid", "nan", "-o", "{out}/x.h5"], ["--rsu-grid"],
                  kind="command line"))
    C.append(Case("mec_grid_huge", ["run", tiny, "--rsu-grid", "300", "--mec-grid", "1e9", "-o", "{out}/x.h5"],
                  ["--mec-grid"], kind="command line", status=None))

    # ---- platform XML ----
    small = open(f"{INP}/small.xml").read()

    def plat(id, old, new, needles, **kw):
        assert old in small, id
        path = w(f"platforms/{id}.xml", small.replace(old, new, 1))
        C.append(Case(id, ["run", tiny, *sets(f"infrastructure.platform={path}"), "-o", "{out}/x.h5"],
                      [f"{id}.xml"] + needles, kind="platform xml", **kw))

    plat("plat_core_zero", 'id="m0" speed="1Gf" core="16"', 'id="m0" speed="1Gf" core="0"', ["core", "'0'"])
    plat("plat_core_text", 'id="m0" speed="1Gf" core="16"', 'id="m0" speed="1Gf" core="many"', ["core", "many"])
    plat("plat_speed_unit_bad", 'id="m0" speed="1Gf"', 'id="m0" speed="1Zq"', ["speed", "1Zq"])
    plat("plat_speed_nan", 'id="m0" speed="1Gf"', 'id="m0" speed="nanf"', ["speed", "nanf"])
    plat("plat_bandwidth_unit_bad", 'id="r0-m0" bandwidth="125000000Bps"', 'id="r0-m0" bandwidth="5Zbps"',
         ["bandwidth", "5Zbps"])
    plat("plat_bandwidth_inf", 'id="r0-m0" bandwidth="125000000Bps"', 'id="r0-m0" bandwidth="infBps"',
         ["bandwidth", "infBps"])
    plat("plat_latency_text", 'id="m0-m1" bandwidth="1250000000Bps" latency="2ms"',
         'id="m0-m1" bandwidth="1250000000Bps" latency="soon"', ["latency", "soon"])
    plat("plat_rsu_unknown_mec", '<prop id="v2x.radius" value="300"/><prop id="v2x.mec" value="m0"/>',
         '<prop id="v2x.radius" value="300"/><prop id="v2x.mec" value="m9"/>', ["m9"])
    plat("plat_radius_nan", '<prop id="v2x.radius" value="300"/><prop id="v2x.mec" value="m0"/>',
         '<prop id="v2x.radius" value="nan"/><prop id="v2x.mec" value="m0"/>', ["v2x.radius", "nan"])
    plat("plat_x_huge", '<prop id="v2x.x" value="1000"/>', '<prop id="v2x.x" value="1e300"/>', ["v2x.x", "1e300"])
    plat("plat_no_cloud", '<prop id="v2x.role" value="cloud"/>', '<prop id="v2x.role" value="mec"/>', ["cloud"])
    plat("plat_role_unknown", '<prop id="v2x.role" value="registry"/>', '<prop id="v2x.role" value="printer"/>',
         ["v2x.role", "printer"])
    plat("plat_duplicate_host", '<host id="m1" speed="1Gf" core="16">', '<host id="m0" speed="1Gf" core="16">', ["m0"])
    plat("plat_pod_slots_negative", '<prop id="v2x.pod_slots" value="110"/>', '<prop id="v2x.pod_slots" value="-1"/>',
         ["pod_slots", "-1"])
    plat("plat_version_old", '<platform version="4.1">', '<platform version="2">', ["version"])
    plat("plat_unknown_element", '<zone id="v2x" routing="Full">', '<zone id="v2x" routing="Full"><frob/>', [":8"])
    plat("plat_routing_dijkstra", '<zone id="v2x" routing="Full">', '<zone id="v2x" routing="Dijkstra">', ["Dijkstra"])
    plat("plat_routing_none", '<zone id="v2x" routing="Full">', '<zone id="v2x" routing="None">', ["None"])
    plat("plat_speed_huge", 'id="m0" speed="1Gf"', 'id="m0" speed="1e30f"', ["speed", "1e30f"])
    plat("plat_routing_unknown", '<zone id="v2x" routing="Full">', '<zone id="v2x" routing="Magic">', ["Magic"])
    plat("plat_route_unknown_link", '<link id="r0-m0" ', '<link id="r0-mX" ', ["r0-m0"])
    for name, content, needles in [
        ("plat_empty", "", ["plat_empty.xml"]),
        ("plat_no_hosts", '<?xml version="1.0"?>\n<platform version="4.1">\n<zone id="z" routing="Full"/>\n</platform>\n',
         ["plat_no_hosts.xml"]),
        ("plat_entity_bomb", '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
         + "".join(f'<!ENTITY {chr(98+i)} "' + f"&{chr(97+i)};" * 10 + '">' for i in range(8))
         + ']>\n<platform version="4.1"><zone id="&i;" routing="Full"/></platform>\n', ["plat_entity_bomb.xml"]),
        ("plat_binary", "\x00\x01garbage", ["plat_binary.xml"]),
    ]:
        path = w(f"platforms/{name}.xml", content)
        C.append(Case(name, ["run", tiny, *sets(f"infrastructure.platform={path}"), "-o", "{out}/x.h5"], needles,
                      kind="platform xml", timeout=60))

    # ---- sweeps ----
    base = os.path.abspath(tiny)

    def sweep(id, text, needles, **kw):
        path = w(f"sweeps/{id}.textproto", text.format(base=base))
        C.append(Case(id, ["sweep", path, "--out", "{out}/sw", "-q"], needles, kind="sweep", **kw))

    sweep("sweep_empty", "", ["sweep_empty.textproto", "base"])
    sweep("sweep_axis_unknown_field", 'base: "{base}"\naxis {{ field: "telemetry.nope" value: "1" }}\n',
          ["telemetry.nope"])
    sweep("sweep_axis_no_values", 'base: "{base}"\naxis {{ field: "telemetry.rate_hz" }}\n', ["rate_hz"])
    sweep("sweep_range_step_zero", 'base: "{base}"\naxis {{ field: "telemetry.rate_hz" range {{ from: 1 to: 4 step: 0 }} }}\n',
          ["step", "'0'"])
    sweep("sweep_range_step_negative", 'base: "{base}"\naxis {{ field: "telemetry.rate_hz" range {{ from: 1 to: 4 step: -1 }} }}\n',
          ["step", "-1"])
    sweep("sweep_range_nan", 'base: "{base}"\naxis {{ field: "telemetry.rate_hz" range {{ from: nan to: 4 step: 1 }} }}\n',
          ["from", "nan"])
    sweep("sweep_range_backwards", 'base: "{base}"\naxis {{ field: "telemetry.rate_hz" range {{ from: 5 to: 1 step: 1 }} }}\n',
          ["from", "to"])
    sweep("sweep_duplicate_axis", 'base: "{base}"\naxis {{ field: "telemetry.rate_hz" value: "1" }}\n'
          'axis {{ field: "telemetry.rate_hz" value: "2" }}\n', ["telemetry.rate_hz"])
    sweep("sweep_policy_unknown", 'base: "{base}"\npolicy: "magic"\n', ["policy", "magic"])
    sweep("sweep_mechanism_unknown", 'base: "{base}"\nmechanism: "teleport"\n', ["mechanism", "teleport"])
    sweep("sweep_seeds_zero", 'base: "{base}"\nseeds {{ first: 1 count: 0 }}\n', ["seeds.count", "'0'"])
    sweep("sweep_base_missing", 'base: "/nonexistent/base.textproto"\n', ["base", "/nonexistent/base.textproto"])
    sweep("sweep_base_relative_missing", 'base: "../../no_base.textproto"\n', ["no_base.textproto"])
    sweep("sweep_product_huge", 'base: "{base}"\n' + "".join(
        f'axis {{{{ field: "{f}" range {{{{ from: 1 to: 1000 step: 1 }}}} }}}}\n' for f in
        ("telemetry.rate_hz", "telemetry.rsu_rate_hz", "twin.cpu_cores")), ["runs"])
    sweep("sweep_axis_value_control_bytes", 'base: "{base}"\naxis {{ field: "twin.mode" value: "x\\033[31m" }}\n',
          ["twin.mode", "\\x1b"])
    sweep("sweep_base_is_sweep", 'base: "{self}"\n'.replace("{self}", f"{INP}/sweeps/sweep_base_is_sweep.textproto"),
          ["sweep_base_is_sweep.textproto"])
    C.append(Case("sweep_missing", ["sweep", f"{INP}/sweeps/absent.textproto", "--out", "{out}/sw"], ["absent.textproto"],
                  kind="sweep"))
    C.append(Case("sweep_shard_negative", ["sweep", f"{INP}/sweeps/ok.textproto", "--shard", "-1/2", "--out", "{out}/sw"],
                  ["--shard", "-1/2"], kind="command line", setup=lambda c: w("sweeps/ok.textproto", f'base: "{base}"\n')))
    C.append(Case("sweep_shard_zero_of_zero", ["sweep", f"{INP}/sweeps/ok.textproto", "--shard", "0/0", "--out",
                                               "{out}/sw"], ["--shard", "0/0"], kind="command line",
                  setup=lambda c: w("sweeps/ok.textproto", f'base: "{base}"\n')))
    C.append(Case("sweep_jobs_huge", ["sweep", f"{INP}/sweeps/ok.textproto", "-j", "99999999999", "--out", "{out}/sw"],
                  ["--jobs"], kind="command line", setup=lambda c: w("sweeps/ok.textproto", f'base: "{base}"\n')))

    # ---- sweep resumption: stale / corrupt manifests, stale .partial ----
    def resume(id, corrupt, needles=(), status=0):
        """A complete 2-run sweep, then `corrupt(out_dir)`, then the same sweep again: it must resume."""
        path = w(f"sweeps/resume_{id}.textproto", f'base: "{base}"\npolicy: "never"\npolicy: "nearest"\n')

        def setup(c, path=path, corrupt=corrupt):
            out = c.out + "/sw"
            p = subprocess.run([c.v2xsim, "sweep", path, "--out", out, "-q"], capture_output=True, text=True,
                               timeout=300, env=c.full_env)
            assert p.returncode == 0, p.stderr
            corrupt(out)

        def check(c, p):
            out = c.out + "/sw"
            if os.path.isdir(f"{out}/manifest.csv"):  # cannot be replaced: exit 2 naming it is the answer
                return [] if p.returncode == 2 and b"manifest.csv" in p.stderr_bytes else ["manifest folder not named"]
            m = open(f"{out}/manifest.csv").read() if os.path.isfile(f"{out}/manifest.csv") else ""
            rows = [r for r in m.splitlines()[1:] if r]
            problems = []
            if len(rows) != 2 or any(",complete," not in r for r in rows):
                problems.append(f"manifest after resume:\n{m}")
            left = [f for f in os.listdir(out) if f.endswith(".tmp")] + \
                   [f for f in os.listdir(out + "/runs") if f.endswith(".partial")] if os.path.isdir(out + "/runs") else []
            if left:
                problems.append(f"debris {left}")
            return problems

        C.append(Case(id, ["sweep", path, "--out", "{out}/sw", "-q"], needles, status=status, kind="manifest",
                      setup=setup, check=check, allow_output=True, timeout=300))

    def edit_manifest(fn):
        def corrupt(out):
            p = f"{out}/manifest.csv"
            open(p, "w").write(fn(open(p).read()))
        return corrupt

    resume("manifest_bad_number", edit_manifest(lambda m: m.replace(",complete,0,", ",complete,zero,", 1)))
    resume("manifest_truncated", edit_manifest(lambda m: m[: len(m) // 2]))
    resume("manifest_binary", edit_manifest(lambda m: "\x00\x01\x02garbage\n"))
    resume("manifest_empty", edit_manifest(lambda m: ""))
    resume("manifest_extra_columns", edit_manifest(lambda m: m.replace("\n", ",extra,extra\n")))
    resume("manifest_wrong_status", edit_manifest(lambda m: m.replace(",complete,", ",maybe,", 1)))
    resume("manifest_is_directory", lambda out: (os.remove(f"{out}/manifest.csv"), os.mkdir(f"{out}/manifest.csv")),
           status=None)
    resume("manifest_stale_tmp_and_partial", lambda out: (
        open(f"{out}/manifest.csv.tmp", "w").write("index,run\n"),
        open(f"{out}/runs/{sorted(os.listdir(out + '/runs'))[0]}.partial", "w").write("junk")))
    resume("manifest_deleted_output", lambda out: os.remove(f"{out}/runs/" + sorted(
        f for f in os.listdir(out + "/runs") if f.endswith(".h5"))[0]))
    resume("manifest_corrupt_output_h5", lambda out: open(f"{out}/runs/" + sorted(
        f for f in os.listdir(out + "/runs") if f.endswith(".h5"))[0], "w").write("not hdf5"))

    # ---- command lines ----
    def cli(id, argv, needles, **kw):
        C.append(Case(id, argv, needles, kind="command line", **kw))

    cli("duration_nan", ["run", tiny, "--duration", "nan", "-o", "{out}/x.h5"], ["--duration"])
    cli("duration_huge", ["run", tiny, "--duration", "1e300", "-o", "{out}/x.h5"], ["duration", "1e+300"])
    cli("cell_radius_zero", ["run", tiny, "--cell-radius", "0", "-o", "{out}/x.h5"], ["--cell-radius"])
    cli("cell_radius_inf", ["run", tiny, "--cell-radius", "inf", "-o", "{out}/x.h5"], ["radius", "inf"])
    cli("progress_interval_nan", ["run", tiny, "--progress-interval", "nan", "-o", "{out}/x.h5"], ["--progress-interval"])
    cli("seed_int64_plus_one", ["run", tiny, "--seed", "9223372036854775808", "-o", "{out}/x.h5"], ["--seed"])
    cli("policy_unknown", ["run", tiny, "--policy", "psychic", "-o", "{out}/x.h5"], ["migration.policy", "psychic"])
    cli("policy_endpoint_garbage", ["run", tiny, "--policy-endpoint", "carrier-pigeon://x", "-o", "{out}/x.h5"],
        ["endpoint", "carrier-pigeon://x"])
    cli("policy_command_false", ["run", tiny, "--policy-command", "false", "-o", "{out}/x.h5"], ["false"], timeout=60)
    cli("policy_command_and_endpoint", ["run", tiny, "--policy-command", "x", "--policy-endpoint", "ipc:///tmp/x",
                                        "-o", "{out}/x.h5"], ["--policy-command"])
    cli("fault_option_factor_bad", ["run", tiny, "--fault", "mec_degraded:mec0@1+2*2", "-o", "{out}/x.h5"],
        ["factor", "2"])
    cli("validate_nan_set", ["validate", tiny, "--set", "telemetry.rate_hz=nan"], ["rate_hz", "nan"])
    cli("dashboard_not_h5", ["dashboard", tiny, "-o", "{out}/dash"], ["tiny.textproto"])
    cli("dashboard_missing", ["dashboard", f"{INP}/absent.h5", "-o", "{out}/dash"], ["absent.h5"])
    cli("export_every_zero", ["export", "--influx", tiny, "--every", "0", "-o", "{out}/x.lp"], ["--every"])
    cli("export_not_h5", ["export", "--influx", tiny, "-o", "{out}/x.lp"], ["tiny.textproto"])
    cli("no_arguments", [], ["subcommand"])
    cli("trace_no_subcommand", ["trace"], ["subcommand"])
    cli("huge_argument", ["run", tiny, "--set", "name=" + "y" * 100_000, "-o", "{out}/x.h5"], [], status=0,
        allow_output=True)
    cli("many_sets", ["run", tiny, *sets(*["telemetry.rate_hz=5"] * 5000), "-o", "{out}/x.h5"], [], status=0,
        allow_output=True)

    # ---- engine arguments ----
    def eng(id, arg, needles, **kw):
        C.append(Case(id, ["run", tiny, f"--engine-arg={arg}", "-o", "{out}/x.h5"], needles, kind="engine arg", **kw))

    eng("engine_stack_size_zero", "--cfg=contexts/stack-size:0", ["stack-size:0"])
    eng("engine_stack_size_huge", "--cfg=contexts/stack-size:99999999999", ["stack-size", "99999999999"])
    eng("engine_bool_bad", "--cfg=network/crosstraffic:maybe", ["crosstraffic", "maybe"])
    eng("engine_precision_negative", "--cfg=surf/precision:-1", ["precision", "-1"])
    eng("engine_maxmin_nan", "--cfg=maxmin/precision:nan", ["precision", "nan"])
    eng("engine_nthreads_huge", "--cfg=contexts/nthreads:100000", ["nthreads", "100000"])
    eng("engine_tracing_writes_file", "--cfg=tracing:yes", ["tracing"])
    eng("engine_plugin_unknown", "--cfg=plugin:bogus", ["plugin", "bogus"])
    eng("engine_host_model", "--cfg=host/model:ptask_L07", ["host/model", "ptask_L07"])
    eng("engine_cpu_model_unknown", "--cfg=cpu/model:Fast", ["cpu/model", "Fast"])
    eng("engine_log_appender_file", "--log=root.app:file:/nonexistent/dir/log", ["root.app"])
    eng("engine_cfg_empty", "--cfg=", ["--cfg="])
    eng("engine_help", "--help", ["--help"])
    eng("engine_cfg_huge_int", "--cfg=contexts/stack-size:99999999999999999999999", ["stack-size"])

    # ---- output paths ----
    def outp(id, out, needles, setup=None, **kw):
        C.append(Case(id, ["run", tiny, "-q", "-o", out], needles, kind="output path", setup=setup, **kw))

    outp("out_missing_dir_created", "{out}/a/b/c.h5", [], status=0, allow_output=True)
    outp("out_file_parent", "{out}/plain/x.h5", ["plain", "is a file"], setup=lambda c: open(c.out + "/plain", "w").close())
    outp("out_existing_dir", "{out}/d.h5", ["d.h5", "existing folder"], setup=lambda c: os.mkdir(c.out + "/d.h5"))
    outp("out_empty_path", "", ["-o"])
    outp("out_trailing_slash", "{out}/dir/", ["dir"])
    def device(c):
        subprocess.run(["mknod", "-m", "666", c.out + "/null", "c", "1", "3"], check=True)
        os.symlink(c.out + "/null", c.out + "/link.h5")
    def still_device(c, p):
        import stat
        return [] if stat.S_ISCHR(os.stat(c.out + "/null").st_mode) else ["the device was replaced by a file"]
    outp("out_device", "{out}/null", ["null", "device"], setup=device, check=still_device, allow_output=True)
    outp("out_symlink_to_device", "{out}/link.h5", ["link.h5", "device"], setup=device, check=still_device,
         allow_output=True)
    def fifo_out(c):
        os.mkfifo(c.out + "/pipe.h5")
    outp("out_fifo", "{out}/pipe.h5", ["pipe.h5", "FIFO"], setup=fifo_out, timeout=30, allow_output=True,
         check=lambda c, p: [] if os.path.exists(c.out + "/pipe.h5") and not os.path.isfile(c.out + "/pipe.h5")
         else ["the FIFO was replaced"])
    victim = f"{INP}/victim.textproto"
    def victim_setup(c):
        shutil.copy(tiny, victim)
    def victim_check(c, p):
        return [] if open(victim, "rb").read() == tiny_text.encode() else ["the scenario file was overwritten"]
    C.append(Case("out_is_the_scenario", ["run", victim, "-q", "-o", victim], ["victim.textproto", "scenario file"],
                  kind="output path", setup=victim_setup, check=victim_check))
    C.append(Case("out_is_the_trace", ["run", victim, "-q", "-o", f"{INP}/two_cells.fcd.xml"], ["two_cells.fcd.xml",
                  "mobility trace"], kind="output path", setup=victim_setup,
                  check=lambda c, p: [] if open(f"{INP}/two_cells.fcd.xml").read().startswith("<?xml") else ["trace overwritten"]))
    C.append(Case("out_partial_is_the_trace", ["run", victim, "-q", "--trace", f"{INP}/traces/t.h5.partial", "-o",
                                                 f"{INP}/traces/t.h5"], ["t.h5", "mobility trace"], kind="output path",
                  setup=lambda c: shutil.copy(f"{INP}/two_cells.fcd.xml", f"{INP}/traces/t.h5.partial"),
                  check=lambda c, p: [] if open(f"{INP}/traces/t.h5.partial").read().startswith("<?xml") else ["trace overwritten"]))
    outp("out_read_only_mount", "/tmp/corpus17-ro/x.h5", ["/tmp/corpus17-ro", "cannot write"])
    def full_debris(c, p):
        left = [os.path.join(dp, f) for dp, dn, fn in os.walk("/tmp/corpus17-full") for f in fn
                if ".partial" in f or f.endswith(".tmp") or (f.endswith(".h5") and p.returncode != 0)]
        return [f"debris on the full disk: {left}"] if left else []
    outp("out_full_disk_tmpfs", "/tmp/corpus17-full/x.h5", ["/tmp/corpus17-full/x.h5", "cannot write"], timeout=120,
         check=full_debris)
    C.append(Case("sweep_out_full_disk_tmpfs", ["sweep", f"{INP}/sweeps/ok.textproto", "--out", "/tmp/corpus17-full/sw", "-q"],
                  [], kind="output path", setup=lambda c: w("sweeps/ok.textproto", f'base: "{base}"\n'),
                  timeout=300, status=(1, 2), allow_output=True,
                  # 1: the run failed and the manifest says so (-q prints nothing); 2: the manifest itself could
                  # not be written, and the message names it. Which one depends on where the disk fills up.
                  check=lambda c, p: full_debris(c, p) + (
                      [] if (p.returncode == 1 and ",failed,2," in open("/tmp/corpus17-full/sw/manifest.csv").read())
                      or (p.returncode == 2 and b"manifest.csv" in p.stderr_bytes)
                      else ["neither a failed run in the manifest (exit 1) nor the manifest named (exit 2)"])))  # 1: some runs failed (documented)
    C.append(Case("sweep_out_read_only", ["sweep", f"{INP}/sweeps/ok.textproto", "--out", "/tmp/corpus17-ro/sw", "-q"],
                  ["/tmp/corpus17-ro/sw"], kind="output path", setup=lambda c: w("sweeps/ok.textproto", f'base: "{base}"\n')))

    # ---- signals mid-run ----
    for sig in ("SIGTERM", "SIGINT", "SIGHUP", "SIGXFSZ", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGPIPE"):
        C.append(Case(f"signal_{sig}", ["run", default, "-q", "-o", "{out}/s.h5"], [],
                      status=128 + getattr(signal, sig), kind="signal", signal_after=(sig, "{out}/s.h5.partial", 0.3),
                      timeout=120))
    C.append(Case("signal_SIGTERM_sweep", ["sweep", f"{INP}/sweeps/sig.textproto", "--out", "{out}/sw", "-q", "-j", "2"],
                  [], status=128 + signal.SIGTERM, kind="signal",
                  setup=lambda c: w("sweeps/sig.textproto", f'base: "{os.path.abspath(default)}"\npolicy: "never"\n'
                                                           'policy: "nearest"\n'),
                  signal_after=("SIGTERM", "{out}/sw/runs", 2.0), timeout=200, allow_output=True))
    return C


FATAL = re.compile(r"internal error|CRITICAL|Impossible|terminate called|AddressSanitizer|LeakSanitizer|"
                   r"runtime error|Segmentation|Aborted|core dumped|xbt_assert|Assertion")


def run_case(c, v2xsim, env):
    # inputs an earlier case may have damaged (the old binary overwrote an input given as -o)
    shutil.copy(f"{c.repo}/scenarios/tiny/two_cells.fcd.xml", f"{INP}/two_cells.fcd.xml")
    shutil.copy(f"{c.repo}/scenarios/tiny/two_cells.textproto", f"{INP}/tiny.textproto")
    c.v2xsim = v2xsim
    c.out = f"{ROOT}/out/{c.id}"
    cwd = f"{ROOT}/cwd/{c.id}"
    for d in (c.out, cwd):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    c.full_env = dict(os.environ, **env, **(c.env or {}))
    if c.setup:
        c.setup(c)
    argv = [a.replace("{out}", c.out) if isinstance(a, str) else a for a in c.argv]
    t0 = time.time()
    proc = subprocess.Popen(["timeout", "-s", "KILL", str(c.timeout), v2xsim, *argv], cwd=cwd, env=c.full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if c.signal_after:
        sig, path, delay = c.signal_after
        path = path.replace("{out}", c.out)
        while not os.path.exists(path) and proc.poll() is None and time.time() - t0 < 60:
            time.sleep(0.01)
        time.sleep(delay)
        # timeout(1) is the parent: signal the v2xsim child
        kids = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        for k in kids:
            os.kill(int(k), getattr(signal, sig))
    out, err = proc.communicate()
    proc.stderr_bytes = err
    wall = time.time() - t0
    err = err.decode(errors="replace")
    problems = []
    if proc.returncode == 137 or proc.returncode == -9:
        problems.append(f"hang (killed after {c.timeout} s)")
    elif isinstance(c.status, tuple):
        if proc.returncode not in c.status:
            problems.append(f"exit {proc.returncode}, expected one of {c.status}")
    elif c.status is not None and proc.returncode != c.status:
        if not (c.signal_after and proc.returncode == 0):
            problems.append(f"exit {proc.returncode}, expected {c.status}")
    elif c.status is None and proc.returncode not in (0, 2):
        problems.append(f"exit {proc.returncode}, expected 0 or 2")
    if proc.returncode != 0:
        for n in c.needles:
            if n not in err:
                problems.append(f"{n!r} not in message")
    if FATAL.search(err):
        problems.append("fatal text: " + FATAL.search(err).group(0))
    if re.search(r"\d{30}", err):
        problems.append("30-digit number")
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", err.replace("\r", "")):
        problems.append("raw control byte")
    if not c.allow_output:
        left = []
        for dp, dn, fn in os.walk(c.out):
            for f in fn:
                if f.endswith((".h5", ".partial", ".tmp")) or ".partial" in f:
                    left.append(os.path.join(dp, f))
        if left and not (c.signal_after and proc.returncode == 0):
            problems.append(f"debris {left}")
    stray = [os.path.join(dp, f) for dp, dn, fn in os.walk(c.out) for f in fn if ".partial" in f or f.endswith(".tmp")]
    if c.allow_output and stray and not c.id.startswith("manifest_stale"):
        problems.append(f"debris {stray}")
    if os.listdir(cwd):
        problems.append(f"files in the working folder: {os.listdir(cwd)}")
    if c.check:
        problems += c.check(c, proc)
    return proc.returncode, wall, err, problems


def mounts():
    for d, opts in (("/tmp/corpus17-full", "size=200k"), ("/tmp/corpus17-ro", "size=100k,ro")):
        os.makedirs(d, exist_ok=True)
        if subprocess.run(["mountpoint", "-q", d]).returncode != 0:
            subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", d], check=True)
    for f in os.listdir("/tmp/corpus17-full"):
        p = f"/tmp/corpus17-full/{f}"
        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    st = os.statvfs("/tmp/corpus17-full")
    with open("/tmp/corpus17-full/filler", "wb") as f:  # leave 16 kB: the run starts writing, then the disk is full
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - 16384))


def main():
    v2xsim, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    only = None
    env = {}
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    if "--asan" in sys.argv:
        env = {"V2X_ASAN": "1",
               "ASAN_OPTIONS": "detect_leaks=1:fast_unwind_on_malloc=0:detect_stack_use_after_return=0",
               "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
               "LSAN_OPTIONS": f"suppressions={repo}/tests/asan/lsan.supp:print_suppressions=0"}
    cases = build_cases(repo)
    if "--list" in sys.argv:
        for c in cases:
            print(c.kind, c.id)
        print(len(cases), "cases")
        return
    root_only = {"out_device", "out_symlink_to_device", "out_read_only_mount", "out_full_disk_tmpfs",
                 "sweep_out_full_disk_tmpfs", "sweep_out_read_only"}
    if os.geteuid() == 0:
        mounts()
    else:
        print(f"not root: skipping {' '.join(sorted(root_only))}")
        cases = [c for c in cases if c.id not in root_only]
    tried = handled = 0
    failed = []
    for c in cases:
        if only and c.id not in only and c.kind not in only:
            continue
        tried += 1
        c.repo = repo
        if os.geteuid() == 0 and (c.id.startswith("out_full_disk") or c.id.startswith("sweep_out_full")):
            mounts()
        try:
            rc, wall, err, problems = run_case(c, v2xsim, env)
        except Exception as e:  # a setup failure is a failure of the case
            rc, wall, err, problems = None, 0, "", [f"setup: {e!r}"]
        first = err.strip().splitlines()[0][:200] if err.strip() else ""
        if problems:
            failed.append(c.id)
            print(f"FAIL {c.kind:14} {c.id:34} exit {rc} {wall:5.1f}s  {'; '.join(problems)}\n     | {first}")
        else:
            handled += 1
            print(f"ok   {c.kind:14} {c.id:34} exit {rc} {wall:5.1f}s  | {first}")
        sys.stdout.flush()
    print(f"\ntried {tried}, handled {handled}, failed {len(failed)}: {' '.join(failed)}")


if __name__ == "__main__":
    main()
