"""``python -m benchmarks.run``: its results say which CPU they were measured on."""
import platform

from benchmarks import run


def test_cpu_model_is_the_model_name_of_cpuinfo(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\n"
                       "processor\t: 1\nmodel name\t: AMD EPYC 7B13\n")
    assert run.cpu_model(cpuinfo) == "AMD EPYC 7B13"


def test_cpu_model_falls_back_to_platform_processor(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n")  # an ARM cpuinfo
    assert run.cpu_model(cpuinfo) == (platform.processor() or "unknown CPU")
    assert run.cpu_model(tmp_path / "missing") == (platform.processor() or "unknown CPU")


def test_the_table_names_the_cpu(capsys):
    measured = {f: {"seconds": seconds, "unit": "step", "wall_seconds": 1.0, "other_cpu_seconds": 0.0}
                for f, seconds in [("glassnet", 80e-6), ("torch", 160e-6)]}
    info = run.machine()
    run.print_table([run.summarize("playground_step", [measured])], info)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"measured on {run.cpu_model()}, {info['cores']} cores ({platform.platform()})"
    assert lines[1].startswith("workload") and lines[3].split()[:2] == ["playground_step", "step"]
    assert lines[3].split()[-4] == "0.50"
