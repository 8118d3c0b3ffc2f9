"""Building the wheel from a checkout: Node.js from PyPI in a throwaway folder (no root)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from jupyter_extension_companion.installer.engine import Context
from jupyter_extension_companion.installer.options import parse_options
from jupyter_extension_companion.installer.steps_python import PackagesStep
from jupyter_extension_companion.installer.wheelbuild import (
    NODE_REQUIREMENT,
    WheelBuild,
    build_env,
    copy_sources,
    is_checkout,
)
from jupyter_extension_companion.provision.errors import ClassroomError

ROOT = Path(__file__).resolve().parents[2]


def _checkout(tmp_path: Path) -> Path:
    src = tmp_path / "checkout"
    (src / "jupyter_extension_companion/labextension/static").mkdir(parents=True)
    (src / "pyproject.toml").write_text('[project]\nname = "jupyterlab-classroom"\n')
    (src / "package-lock.json").write_text("{}")
    (src / "jupyter_extension_companion/__init__.py").write_text("")
    (src / "jupyter_extension_companion/labextension/static/style.js").write_text("old build")
    for junk in ("node_modules/x", ".git/HEAD", ".venv/bin/python", "ui-tests/node_modules/y"):
        (src / junk).parent.mkdir(parents=True, exist_ok=True)
        (src / junk).write_text("junk")
    return src


class Recorder:
    """Stands in for Context.run: records argv, env and cwd, fakes node and the wheel."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], dict[str, str], Path | None]] = []

    def __call__(self, argv, env=None, timeout=None, cwd=None, inherit_env=True,  # noqa: ANN001
                 **_kw) -> str:
        argv = [str(a) for a in argv]
        if env is not None:
            assert inherit_env is False  # the build's environment is the whole environment
        self.calls.append((argv, dict(env or {}), cwd))
        if argv[1:3] == ["-m", "venv"]:
            bin_dir = Path(argv[3]) / "bin"
            bin_dir.mkdir(parents=True)
        if "pip" in argv and NODE_REQUIREMENT in argv:
            (Path(argv[0]).parent / "node").write_text("")
        if argv[-1:] == ["--version"]:
            return "v24.19.0\n"
        if "build" in argv and "--wheel" in argv:
            out = Path(argv[argv.index("-o") + 1])
            out.mkdir(parents=True)
            (out / "jupyterlab_classroom-0.1.0-py3-none-any.whl").write_text("wheel")
        return ""


def test_the_build_uses_node_from_pypi_and_npm_ci_and_leaves_nothing(tmp_path: Path) -> None:
    src = _checkout(tmp_path)
    run = Recorder()
    with WheelBuild(src, Path("/usr/bin/python3"), run) as build:
        wheel = build.build()
        work = build.work
        assert work is not None and wheel.read_text() == "wheel"
    assert not work.exists()  # the build venv, node_modules and npm cache are gone
    argvs = [c[0] for c in run.calls]
    venv_bin = str(work / "venv" / "bin")
    assert [venv_bin + "/npm", "ci", "--no-audit", "--no-fund"] in argvs  # the committed lockfile
    assert [venv_bin + "/npm", "run", "build:prod"] in argvs
    pip = next(a for a in argvs if "pip" in a)
    assert NODE_REQUIREMENT in pip
    for argv, env, _cwd in run.calls[1:]:
        # every command finds the build venv's node first, never the host's
        assert env["PATH"].split(":")[0] == venv_bin, argv
        assert env["npm_config_cache"].startswith(str(work))
    # the checkout is untouched; its junk and an earlier build never reach the build
    assert (src / "jupyter_extension_companion/labextension/static/style.js").read_text() == (
        "old build")


def test_copy_leaves_artefacts_and_vcs_behind(tmp_path: Path) -> None:
    src = _checkout(tmp_path)
    copy_sources(src, tmp_path / "copy")
    names = {p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*")}
    assert "pyproject.toml" in names and "package-lock.json" in names
    assert not {n for n in names if n.split("/")[0] in {"node_modules", ".git", ".venv",
                                                         "ui-tests"}}
    assert not any("labextension" in n for n in names)


def test_build_env_puts_the_venv_first_and_drops_npm_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("npm_config_prefix", "/usr")
    monkeypatch.setenv("NODE_OPTIONS", "--x")
    monkeypatch.setenv("npm_config_registry", "https://registry.example/")
    monkeypatch.setenv("NODE_EXTRA_CA_CERTS", "/etc/ssl/certs/ca-certificates.crt")
    env = build_env(tmp_path / "venv", tmp_path)
    assert env["PATH"].startswith(f"{tmp_path}/venv/bin:")
    assert "npm_config_prefix" not in env and "NODE_OPTIONS" not in env
    # the host's registry and CA settings still reach npm
    assert env["npm_config_registry"] == "https://registry.example/"
    assert env["NODE_EXTRA_CA_CERTS"] == "/etc/ssl/certs/ca-certificates.crt"
    # like Debian's Node.js, the build's Node.js trusts the system's CA store
    assert env["NODE_USE_SYSTEM_CA"] == "1"


def test_not_a_checkout_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\n')
    assert not is_checkout(tmp_path)
    assert is_checkout(ROOT)
    with WheelBuild(tmp_path, Path("/usr/bin/python3"), Recorder()) as build, \
            pytest.raises(ClassroomError, match="not a checkout"):
        build.build()
    with pytest.raises(ClassroomError, match="not a checkout"):
        parse_options(["--package", str(tmp_path)])


@pytest.mark.parametrize("package", ["https://example.org/jupyterlab_classroom-0.1.0-py3-none-any.whl",
                                     "jupyterlab-classroom==0.1.0"])
def test_package_may_be_a_url_or_a_name(package: str) -> None:
    assert parse_options(["--package", package]).package == package


def test_packages_step_plans_a_build_for_a_checkout(tmp_path: Path) -> None:
    options = parse_options(["--prefix", str(tmp_path), "--admin", "teacher",
                             "--package", str(ROOT)])
    ctx = Context(options, options.paths, out=io.StringIO(), dry_run=True)
    plan = PackagesStep().plan(ctx)
    assert any("build the wheel of" in c and "Node.js from PyPI" in c for c in plan), plan
