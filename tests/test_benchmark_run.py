"""``python -m benchmarks.run``: its results say which CPU they were measured on."""

import platform

from benchmarks import run


def test_cpu_model_is_the_model_name_of_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(
        "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\n"
        "processor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
    )
    assert run.cpu_model(cpuinfo) == "AMD EPYC 7B13"


def test_cpu_model_falls_back_to_platform_processor(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n")  # an ARM cpuinfo
    assert run.cpu_model(cpuinfo) == (platform.processor() or "unknown CPU")
    assert run.cpu_model(tmp_path / "missing") == (platform.processor() or "unknown CPU")


def test_the_table_names_the_cpu(capsys):
    measured = {
        f: {"seconds": seconds, "unit": "step", "wall_seconds": 1.0, "other_cpu_seconds": 0.0}
        for f, seconds in [("glassnet", 80e-6), ("torch", 160e-6)]
    }
    info = run.machine()
    run.print_table([run.summarize("playground_step", [measured])], info)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"measured on {run.cpu_model()}, {info['cores']} cores ({platform.platform()})"
    assert lines[1].startswith("workload") and lines[3].split()[:2] == ["playground_step", "step"]
    assert lines[3].split()[-4] == "0.50"


def test_one_row_per_backend_and_each_worker_asked_for_its_backend(capsys):
    measured = {
        f: {"seconds": seconds, "unit": "step", "wall_seconds": 1.0, "other_cpu_seconds": 0.0}
        for f, seconds in [("glassnet:numpy", 80e-6), ("glassnet:onednn", 40e-6), ("torch", 160e-6)]
    }
    rows = [run.summarize("playground_step", [measured], label) for label in ("glassnet:numpy", "glassnet:onednn")]
    run.print_table(rows, run.machine())
    lines = capsys.readouterr().out.splitlines()
    assert lines[3].split()[:3] == ["playground_step", "[numpy]", "step"] and lines[3].split()[-4] == "0.50"
    assert lines[4].split()[:3] == ["playground_step", "[onednn]", "step"] and lines[4].split()[-4] == "0.25"
    assert run.worker_command("glassnet:onednn", None, None)[-3:] == ["glassnet", "--backend", "onednn"]
    assert "--backend" not in run.worker_command("glassnet", None, None)
