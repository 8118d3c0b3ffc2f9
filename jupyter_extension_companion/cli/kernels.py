"""``classroom kernels ...``: the kernels students see (run as root)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..provision.errors import ClassroomError
from ..provision.kernels import KernelCatalog, KernelTestResult
from .common import need_root, noun_parser, print_progress, print_trash, report


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom kernels`` and its subcommands."""
    sub = noun_parser(subparsers, "kernels", "kernels for everyone: list, install, test")
    p = sub.add_parser("list", help="kernelspecs students see (env, class path)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("install", help="install the python, java (JJava/IJava) or r kernel")
    p.add_argument("kind", choices=["python", "java", "r"])
    p.add_argument("--java-kernel", choices=["jjava", "ijava"], default=None)
    p.add_argument(
        "--ijava-zip", type=Path, help="IJava 1.3.0 release zip (implies --java-kernel ijava)"
    )
    p.set_defaults(func=cmd_install)

    p = sub.add_parser("remove", help="move a kernelspec to the trash")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("restore", help="bring a kernelspec back from the trash")
    p.add_argument("name")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("env", help="set env variables of a kernelspec (KEY=VALUE; KEY= removes)")
    p.add_argument("name")
    p.add_argument("assignments", nargs="*", metavar="KEY=VALUE")
    p.set_defaults(func=cmd_env)

    p = sub.add_parser("classpath", help="set a Java kernel's class path (absolute paths or dir/*)")
    p.add_argument("name")
    p.add_argument("entries", nargs="*")
    p.set_defaults(func=cmd_classpath)

    p = sub.add_parser("test", help="start a kernel as a throwaway and run a smoke cell")
    p.add_argument("name", nargs="?", help="one kernel (default: all)")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_test)


def cmd_list(args: argparse.Namespace) -> int:
    kernels = KernelCatalog(args.paths, actor=args.actor).list()
    if args.json:
        trashed = KernelCatalog(args.paths).trashed()
        print(json.dumps({"kernels": [k.to_json() for k in kernels], "trash": trashed}, indent=1))
        return 0
    for k in kernels:
        note = "  (shadowed by the one above)" if k.shadowed else ""
        print(f"{k.name:12} {k.display_name:28} {k.language:8} {k.location}{note}")
        for key, value in k.env.items():
            print(f"{'':12}   {key}={value}")
    print_trash(KernelCatalog(args.paths).trashed(), "kernels")
    return 0


def cmd_install(args: argparse.Namespace) -> int:
    need_root()
    cat = KernelCatalog(args.paths, actor=args.actor)
    if args.kind == "python":
        change = cat.install_python(progress=print_progress)
    elif args.kind == "r":
        change = cat.install_r(progress=print_progress)
    else:
        kind = args.java_kernel or ("ijava" if args.ijava_zip else "jjava")
        change = cat.install_java(kind=kind, ijava_zip=args.ijava_zip, progress=print_progress)
    report([change])
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    need_root()
    report([KernelCatalog(args.paths, actor=args.actor).remove(args.name)])
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    need_root()
    report([KernelCatalog(args.paths, actor=args.actor).restore(args.name)])
    return 0


def cmd_env(args: argparse.Namespace) -> int:
    cat = KernelCatalog(args.paths, actor=args.actor)
    env = dict(cat.get(args.name).env)
    if not args.assignments:
        for k, v in env.items():
            print(f"{k}={v}")
        return 0
    need_root()
    for a in args.assignments:
        if "=" not in a:
            raise ClassroomError(f"{a!r}: write KEY=VALUE (KEY= removes the variable)")
        key, value = a.split("=", 1)
        if value:
            env[key] = value
        else:
            env.pop(key, None)
    report([cat.set_env(args.name, env)])
    return 0


def cmd_classpath(args: argparse.Namespace) -> int:
    need_root()
    report([KernelCatalog(args.paths, actor=args.actor).set_classpath(args.name, args.entries)])
    return 0


def _print_result(r: KernelTestResult) -> None:
    ready = (
        f"ready in {r.seconds_to_ready:.1f} s"
        if r.seconds_to_ready is not None
        else "did not start"
    )
    print(f"{r.name}: {'OK' if r.ok else 'FAILED'} ({ready})")
    for line in (r.output or "").splitlines():
        print(f"    {line}")
    if r.error:
        for line in r.error.splitlines():
            print(f"    ! {line}")


def cmd_test(args: argparse.Namespace) -> int:
    cat = KernelCatalog(args.paths, actor=args.actor)
    if args.name:
        results = [cat.test(args.name, timeout=args.timeout)]
    else:
        results = cat.test_all(timeout=args.timeout, progress=print_progress)
    if args.json:
        print(json.dumps({"results": [r.to_json() for r in results]}, indent=1))
    else:
        for r in results:
            _print_result(r)
    return 0 if all(r.ok for r in results) else 1
