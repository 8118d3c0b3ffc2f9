"""``classroom broker ...``, ``classroom snippets add``, ``classroom templates add``: the class
MQTT broker, class snippets and class templates (the same operations as the sidebar)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..provision import broker, snippets, templates
from ..provision.errors import ClassroomError
from .common import need_root, noun_parser


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``classroom broker``, ``classroom snippets`` and ``classroom templates``."""
    sub = noun_parser(subparsers, "broker", "the class MQTT broker every student gets")
    p = sub.add_parser("show", help="the class broker (password hidden)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("set", help="set class values (only the options given change)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--tls", choices=["on", "off"])
    p.add_argument("--topic-prefix", help="e.g. 'class/{username}/'")
    p.add_argument("--username")
    p.add_argument("--password")
    p.set_defaults(func=cmd_set)
    p = sub.add_parser("test", help="connect, publish and receive on the class broker")
    p.add_argument("--timeout", type=float, default=5.0)
    p.set_defaults(func=cmd_test)

    sub = noun_parser(subparsers, "snippets", "MQTT snippets of the MQTT menu")
    p = sub.add_parser("list", help="every snippet (shipped and class)")
    p.add_argument("--language", choices=list(snippets.LANGUAGES))
    p.set_defaults(func=cmd_snippets_list)
    p = sub.add_parser("add", help="add a class snippet from a file")
    p.add_argument("file", type=Path)
    p.add_argument("--language", required=True, choices=list(snippets.LANGUAGES))
    p.add_argument("--name", required=True, help="file name: a-z, 0-9, _ and -")
    p.add_argument("--title", required=True)
    p.add_argument("--description", default="")
    p.set_defaults(func=cmd_snippets_add)

    sub = noun_parser(subparsers, "templates", "notebook templates of the launcher")
    p = sub.add_parser("list", help="every template (shipped and class)")
    p.set_defaults(func=cmd_templates_list)
    p = sub.add_parser("add", help="add a notebook as a class template")
    p.add_argument("notebook", type=Path)
    p.add_argument("--name", required=True, help="file name: a-z, 0-9, _ and -")
    p.add_argument("--title", required=True)
    p.add_argument("--description", default="")
    p.set_defaults(func=cmd_templates_add)


def cmd_show(args: argparse.Namespace) -> int:
    settings = broker.read_class_broker(args.paths).to_json(hide_password=True)
    if args.json:
        print(json.dumps(settings, indent=1))
        return 0
    for key, value in settings.items():
        print(f"{key}: {value}")
    print(f"(from {args.paths.lab_settings_overrides})")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    need_root()
    values: dict[str, Any] = {}
    for key, attr in (("host", "host"), ("port", "port"), ("topicPrefix", "topic_prefix"),
                      ("username", "username"), ("password", "password")):  # fmt: skip
        if getattr(args, attr) is not None:
            values[key] = getattr(args, attr)
    if args.tls is not None:
        values["tls"] = args.tls == "on"
    if not values:
        raise ClassroomError("Nothing to set: give --host, --port, ... (see --help).")
    result = broker.write_class_broker(args.paths, values, actor=args.actor)
    print(
        "Class broker saved; students get it on their next page load."
        if result["changed"]
        else "Nothing to change."
    )
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    settings = broker.read_class_broker(args.paths)
    outcome = broker.check_broker(settings, username="teacher", timeout=args.timeout)
    print(outcome["message"])
    return 0 if outcome["ok"] else 1


def cmd_snippets_list(args: argparse.Namespace) -> int:
    extra = [snippets.class_snippets_dir(args.paths)]
    for s in snippets.list_snippets(args.language, snippets.snippet_search_path(extra)):
        print(f"{s.language:7s} {s.name:20s} {s.source:8s} {s.title}")
    return 0


def cmd_snippets_add(args: argparse.Namespace) -> int:
    need_root()
    try:
        body = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ClassroomError(f"Cannot read {args.file}: {exc}") from exc
    result = snippets.add_class_snippet(
        args.paths, actor=args.actor, language=args.language, name=args.name, title=args.title,
        description=args.description, body=body,
    )  # fmt: skip
    print(f"{'Added' if result['changed'] else 'Unchanged'}: {result['path']}")
    return 0


def cmd_templates_list(args: argparse.Namespace) -> int:
    search = templates.template_search_path([templates.class_templates_dir(args.paths)])
    for t in templates.list_templates(search):
        print(f"{t.name:20s} {t.source:8s} {t.kernel:10s} {t.title}")
    return 0


def cmd_templates_add(args: argparse.Namespace) -> int:
    need_root()
    try:
        notebook = json.loads(args.notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ClassroomError(f"Cannot read {args.notebook} as a notebook: {exc}") from exc
    result = templates.add_class_template(
        args.paths, actor=args.actor, name=args.name, title=args.title, notebook=notebook,
        description=args.description,
    )  # fmt: skip
    print(f"{'Added' if result['changed'] else 'Unchanged'}: {result['path']}")
    return 0
