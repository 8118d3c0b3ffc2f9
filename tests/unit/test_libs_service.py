"""The issue-4 service routes (jars, pylibs, kernels) on a scratch prefix, hub identity faked."""

from __future__ import annotations

import base64
import io
import json
import types
import zipfile
from pathlib import Path

import pytest

from jupyter_extension_companion.paths import ClassroomPaths
from jupyter_extension_companion.service.routes import kernels as kernel_routes
from jupyter_extension_companion.service.routes import libs as lib_routes

from .service_harness import running_service


def jar() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        zf.writestr("a/B.class", b"\xca\xfe\xba\xbe")
    return buf.getvalue()


@pytest.fixture
async def service(tmp_path: Path):
    paths = ClassroomPaths().with_prefix(tmp_path)
    k = paths.kernels / "java"
    k.mkdir(parents=True)
    (k / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["java", "-jar", "{resource_dir}/jjava.jar"],
                "display_name": "Java",
                "language": "java",
                "env": {"JJAVA_CLASSPATH": f"{paths.java_libs}/*"},
            }
        )
    )
    async with running_service(paths) as (ctx, call):
        yield types.SimpleNamespace(call=call, ctx=ctx, paths=paths)


def concrete(pattern: str) -> str:
    return pattern.replace("{file}", "a.jar").replace("{name}", "java").replace("{kind}", "python")


async def test_student_gets_403_on_every_issue4_route(service):
    routes = lib_routes.ROUTES + kernel_routes.ROUTES
    assert len(routes) >= 12
    for route in routes:
        for method in route.methods:
            code, body = await service.call(
                method.upper(),
                concrete(route.pattern),
                body={
                    "coords": "g:a:1",
                    "requirement": "x",
                    "filename": "a.jar",
                    "data_base64": "",
                    "env": {},
                },
                token="t-student",
            )
            assert code == 403 and body["code"] == "not_admin", (method, route.pattern)
    assert not service.paths.java_libs.exists() and not service.paths.audit_log.exists()


async def test_upload_list_remove_restore(service):
    code, body = await service.call(
        "POST",
        "/api/v1/jars/upload",
        {"filename": "demo.jar", "data_base64": base64.b64encode(jar()).decode()},
    )
    assert code == 200 and body["changed"] and body["restart"] == ["java"]
    code, body = await service.call("GET", "/api/v1/jars")
    assert [j["file"] for j in body["jars"]] == ["demo.jar"] and body["jars"][0]["kernels"] == [
        "java"
    ]
    code, body = await service.call("DELETE", "/api/v1/jars/demo.jar")
    assert code == 200 and body["changed"]
    assert (await service.call("GET", "/api/v1/jars"))[1]["trash"] == ["demo.jar"]
    code, body = await service.call("POST", "/api/v1/jars/demo.jar/restore")
    assert code == 200 and body["changed"]
    lines = [json.loads(x) for x in service.paths.audit_log.read_text().splitlines()]
    assert [(x["actor"], x["action"]) for x in lines] == [
        ("teach", "jar.upload"),
        ("teach", "jar.remove"),
        ("teach", "jar.restore"),
    ]


@pytest.mark.parametrize(
    "body, code",
    [
        (
            {"filename": "notes.jar", "data_base64": base64.b64encode(b"just text").decode()},
            "not_a_jar",
        ),
        ({"filename": "../x.jar", "data_base64": ""}, "bad_jar_name"),
        ({"filename": "x.jar", "data_base64": "***"}, "bad_field"),
        ({"filename": "x.jar"}, "bad_field"),
    ],
)
async def test_upload_refusals(service, body, code):
    status, answer = await service.call("POST", "/api/v1/jars/upload", body)
    assert status == 400 and answer["code"] == code, answer
    assert not service.paths.java_libs.exists() or list(service.paths.java_libs.iterdir()) == []


async def test_bad_maven_and_pip_requests_fail_before_a_job(service):
    code, body = await service.call("POST", "/api/v1/jars/maven", {"coords": "nope"})
    assert code == 400 and body["code"] == "bad_coordinates"
    code, body = await service.call(
        "POST", "/api/v1/jars/maven", {"coords": "g:a:1", "repository": "file:///etc"}
    )
    assert code == 400 and body["code"] == "bad_repository"
    code, body = await service.call("POST", "/api/v1/pylibs", {"requirement": "--index-url x"})
    assert code == 400 and body["code"] == "bad_requirement"
    assert service.ctx.jobs._jobs == {}


async def test_maven_job_reports_failure(service, monkeypatch):
    from jupyter_extension_companion.provision import maven
    from jupyter_extension_companion.provision.errors import NotFound

    def fetch(url, timeout=60):
        raise NotFound(url)

    monkeypatch.setattr(maven, "urllib_fetch", fetch)
    code, body = await service.call("POST", "/api/v1/jars/maven", {"coords": "g:a:1"})
    assert code == 202
    state = service.ctx.jobs.wait(body["job"], timeout=10)
    assert state["state"] == "failed" and "does not exist" in state["error"]["message"]


async def test_kernels_list_env_and_bad_names(service):
    code, body = await service.call("GET", "/api/v1/kernels")
    assert code == 200 and [k["name"] for k in body["kernels"]][0] == "java"
    code, body = await service.call(
        "PUT", "/api/v1/kernels/java/env", {"env": {"JJAVA_CLASSPATH": "/x/*"}}
    )
    assert code == 200 and body["changed"] and body["restart"] == ["java"]
    code, body = await service.call("PUT", "/api/v1/kernels/Java%20X/env", {"env": {}})
    assert code == 400 and body["code"] == "bad_kernel_name"
    code, body = await service.call("POST", "/api/v1/kernels/nope/test")
    assert code == 404
    code, body = await service.call("POST", "/api/v1/kernels/fortran/install")
    assert code == 400
    code, body = await service.call("DELETE", "/api/v1/kernels/java")
    assert code == 200 and body["changed"]
