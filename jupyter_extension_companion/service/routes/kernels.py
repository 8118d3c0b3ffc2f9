"""Service routes for the kernels students see (issue 4).

- ``GET /api/v1/kernels`` -> {kernels: [KernelInfo]}
- ``POST /api/v1/kernels/{kind}/install`` (kind: python, java, r; body {java_kernel?}) -> {job}
- ``DELETE /api/v1/kernels/{name}`` -> Change (moved to the trash)
- ``POST /api/v1/kernels/{name}/restore`` -> Change
- ``PUT /api/v1/kernels/{name}/env`` {env: {KEY: value}} -> Change
- ``POST /api/v1/kernels/{name}/test`` -> {job} (result: KernelTestResult)
- ``POST /api/v1/kernels/test`` -> {job} (result: {results: [KernelTestResult]})
"""

from __future__ import annotations

from typing import Any

from ...provision.errors import ClassroomError
from ...provision.kernels import KernelCatalog, check_kernel_name
from ..base import ClassroomHandler, Route, json_body_schema, op
from .trash import restore_route


class KernelsHandler(ClassroomHandler):
    async def get(self) -> None:
        catalog = KernelCatalog(self.ctx.paths)
        kernels = await self.blocking(catalog.list)
        self.send({"kernels": [k.to_json() for k in kernels],
                   "trash": await self.blocking(catalog.trashed)})


class KernelInstallHandler(ClassroomHandler):
    async def post(self, kind: str) -> None:
        if kind not in ("python", "java", "r"):
            raise ClassroomError(
                f"Kernel kind must be python, java or r, not {kind!r}", code="bad_kind"
            )
        body = self.json_body()
        java_kernel = body.get("java_kernel", "jjava")
        if java_kernel != "jjava":
            # IJava needs a zip on the host: `classroom kernels install java --ijava-zip PATH`
            raise ClassroomError(
                "From the sidebar only JJava can be installed; for IJava run "
                "`classroom kernels install java --ijava-zip PATH` on the host",
                code="bad_kind",
            )
        catalog = KernelCatalog(self.ctx.paths, actor=self.actor)

        def work(progress: Any) -> dict[str, Any]:
            fn: Any = {
                "python": catalog.install_python,
                "java": catalog.install_java,
                "r": catalog.install_r,
            }[kind]
            return fn(progress=progress).to_json()

        job_id = self.ctx.jobs.start(work, kind=f"kernels.install.{kind}", owner=self.actor)
        self.send({"job": job_id}, status=202)


class KernelHandler(ClassroomHandler):
    async def delete(self, name: str) -> None:
        catalog = KernelCatalog(self.ctx.paths, actor=self.actor)
        self.send((await self.blocking(catalog.remove, name)).to_json())


class KernelEnvHandler(ClassroomHandler):
    async def put(self, name: str) -> None:
        check_kernel_name(name)
        env = self.json_body().get("env")
        if not isinstance(env, dict):
            raise ClassroomError("'env' must be an object of NAME: value", code="bad_field")
        catalog = KernelCatalog(self.ctx.paths, actor=self.actor)
        change = await self.blocking(catalog.set_env, name, env)
        self.send(change.to_json())


class KernelTestHandler(ClassroomHandler):
    async def post(self, name: str) -> None:
        check_kernel_name(name)
        catalog = KernelCatalog(self.ctx.paths)
        await self.blocking(catalog.get, name)  # 404 at once for an unknown kernel

        def work(progress: Any) -> dict[str, Any]:
            progress(f"starting {name}", None)
            return catalog.test(name).to_json()

        job_id = self.ctx.jobs.start(work, kind="kernels.test", owner=self.actor)
        self.send({"job": job_id}, status=202)


class KernelsTestAllHandler(ClassroomHandler):
    async def post(self) -> None:
        catalog = KernelCatalog(self.ctx.paths)

        def work(progress: Any) -> dict[str, Any]:
            return {"results": [r.to_json() for r in catalog.test_all(progress=progress)]}

        job_id = self.ctx.jobs.start(work, kind="kernels.test", owner=self.actor)
        self.send({"job": job_id}, status=202)


_JOB = "-> {job} (202); poll GET /api/v1/jobs/{id}"

ROUTES: list[Route] = [
    Route(
        "/api/v1/kernels",
        KernelsHandler,
        {
            "get": op(
                "Kernelspecs students see -> {kernels: [{name, display_name, language, location, env, classpath, kind, shadowed}]}"
            )
        },
    ),
    Route(
        "/api/v1/kernels/test",
        KernelsTestAllHandler,
        {"post": op(f"Test every kernel {_JOB}; result {{results}}")},
    ),
    Route(
        "/api/v1/kernels/{kind}/install",
        KernelInstallHandler,
        {
            "post": op(
                f"Install the python, java (JJava) or r (apt) kernel {_JOB}; result: Change",
                body=json_body_schema({"java_kernel": {"type": "string", "enum": ["jjava"]}}),
            )
        },
    ),
    Route(
        "/api/v1/kernels/{name}",
        KernelHandler,
        {"delete": op("Move a kernelspec to the trash -> Change")},
    ),
    restore_route("/api/v1/kernels/{name}/restore", "kernels", "a kernelspec"),
    Route(
        "/api/v1/kernels/{name}/env",
        KernelEnvHandler,
        {
            "put": op(
                "Replace a kernelspec's env (e.g. JJAVA_CLASSPATH) -> Change",
                body=json_body_schema(
                    {"env": {"type": "object", "additionalProperties": {"type": "string"}}}, ["env"]
                ),
            )
        },
    ),
    Route(
        "/api/v1/kernels/{name}/test",
        KernelTestHandler,
        {
            "post": op(
                f"Start the kernel as a throwaway and run a smoke cell {_JOB}; result: {{name, ok, seconds_to_ready, output, error}}"
            )
        },
    ),
]
