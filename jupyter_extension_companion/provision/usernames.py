"""Student usernames: Debian's default rule, names the OS or the hub reserve, and suggestions.

A name that breaks a rule is refused with a reason that says what to do and, where one can be
made, a suggested valid username. Nothing is ever renamed silently: the caller shows the
suggestion and the teacher decides.
"""

from __future__ import annotations

import grp
import pwd
import re
import unicodedata
from collections.abc import Collection, Mapping

from .errors import ClassroomError

MAX_LENGTH = 32
# Debian's default NAME_REGEX (adduser.conf) without the trailing '$' that Samba machine
# accounts use: a lowercase letter first, then lowercase letters, digits, '_' or '-'.
USERNAME_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}")
# Accounts below UID_MIN (1000) or above UID_MAX (60000, e.g. nobody = 65534) belong to the OS.
UID_MIN = 1000
UID_MAX = 60000

# Names that stay refused even where no such account exists on this host: the OS accounts of
# other Debian/Ubuntu installs, and words with a meaning in the hub's URLs or in our product.
RESERVED = frozenset(
    {
        # OS and common service accounts
        "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp",
        "proxy", "www-data", "backup", "list", "irc", "gnats", "nobody", "nogroup", "systemd",
        "messagebus", "sshd", "syslog", "postfix", "postgres", "mysql", "ntp", "polkitd",
        "avahi", "colord", "dnsmasq", "geoclue", "pulse", "rtkit", "saned", "tss", "uuidd",
        "usbmux", "lxd", "landscape", "pollinate", "fwupd-refresh", "tcpdump", "mosquitto",
        "ubuntu", "debian", "admin", "administrator", "sudo", "wheel", "staff", "users",
        "adm", "operator", "guest", "shadow", "utmp", "tty", "disk", "kmem", "dialout",
        "cdrom", "floppy", "audio", "video", "plugdev", "netdev", "input", "kvm", "render",
        "docker", "ssh", "crontab", "voice", "tape", "src", "sasl", "scanner", "lpadmin",
        # hub URLs and our own product
        "hub", "user", "services", "service", "api", "jupyterhub", "jupyter", "classroom",
        "login", "logout", "spawn", "token", "home", "static", "health", "metrics", "oauth",
        "anonymous", "everyone",
    }
)

_GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
# Letters that Unicode decomposition does not reduce to ASCII.
_OTHER = {
    "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ø": "o", "Ø": "O", "å": "aa", "Å": "Aa",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "ı": "i", "ŋ": "ng",
}


class UsernameRefused(ClassroomError):
    """A username that cannot be used; ``suggested`` is a valid alternative (or None)."""

    def __init__(self, name: str, reason: str, suggested: str | None, code: str):
        hint = f" Suggested username: {suggested}." if suggested else ""
        super().__init__(f"{reason}{hint}", code=code)
        self.name = name
        self.reason = reason
        self.suggested = suggested


def system_uids() -> dict[str, int]:
    """All accounts of this host (name -> uid), read once through the name service."""
    return {p.pw_name: p.pw_uid for p in pwd.getpwall()}


def is_system_uid(uid: int) -> bool:
    """True for uids the OS owns (below 1000, or above 60000 like nobody)."""
    return uid < UID_MIN or uid > UID_MAX


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def username_problem(
    name: str, *, accounts: Mapping[str, int] | None = None
) -> tuple[str, str] | None:
    """Why ``name`` cannot be a student's username, as ``(code, reason)``; None if it can.

    ``accounts`` (name -> uid) is a snapshot of the host's accounts; read via ``pwd`` if omitted.
    An existing account with a uid of 1000 or more is *not* a problem (it is adopted).
    """
    shown = repr(name)
    if name == "":
        return "empty", "The username is empty: enter one."
    if name != name.strip() or any(c.isspace() for c in name):
        return "whitespace", f"{shown} contains spaces: use letters, digits, '-' or '_' only."
    if not name.isascii():
        return (
            "non_ascii",
            f"{shown} contains letters outside a-z (umlauts, accents): use a-z, 0-9, '-', '_'.",
        )
    if name.startswith("-"):
        return "leading_dash", f"{shown} starts with '-': a username must start with a letter a-z."
    if "/" in name or "\\" in name or name in (".", ".."):
        return "path", f"{shown} contains a path separator: use letters, digits, '-' or '_' only."
    if len(name) > MAX_LENGTH:
        return (
            "too_long",
            f"{shown} has {len(name)} characters: a username has at most {MAX_LENGTH}.",
        )
    if re.search(r"[^A-Za-z0-9_-]", name):
        bad = "".join(sorted({c for c in name if not re.match(r"[A-Za-z0-9_-]", c)}))
        return (
            "bad_characters",
            f"{shown} contains {bad!r}: use only lowercase letters, digits, '-' or '_'.",
        )
    if name != name.lower():
        return "uppercase", f"{shown} contains capital letters: usernames are lowercase."
    if not USERNAME_RE.fullmatch(name):
        return "bad_start", f"{shown} must start with a lowercase letter a-z."
    if accounts is None:
        try:
            uid: int | None = pwd.getpwnam(name).pw_uid
        except KeyError:
            uid = None
    else:
        uid = accounts.get(name)
    if uid is not None and is_system_uid(uid):
        return (
            "system_account",
            f"{shown} is a system account of this host (uid {uid}): choose another name.",
        )
    if name in RESERVED:
        return "reserved", f"{shown} is reserved by the system or the hub: choose another name."
    if uid is None and _group_exists(name):
        return (
            "group_exists",
            f"A group named {shown} exists on this host, so no account can have that name: "
            "choose another name.",
        )
    return None


def transliterate(text: str) -> str:
    """``text`` in ASCII: ä→ae, ö→oe, ü→ue, ß→ss, other accents dropped (é→e); the rest removed."""
    text = "".join(_GERMAN.get(c, _OTHER.get(c, c)) for c in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and not unicodedata.combining(c))


def _slug(text: str) -> str:
    """Lowercase ASCII, runs of other characters turned into one '-', trimmed to a valid start."""
    s = transliterate(text).lower()
    s = re.sub(r"[^a-z0-9_-]+", "-", s)
    s = re.sub(r"-{2,}", "-", s)
    s = re.sub(r"^[^a-z]+", "", s)  # must start with a letter
    return s.strip("-_")


def suggest_username(
    full_name: str,
    taken: Collection[str] = (),
    *,
    accounts: Mapping[str, int] | None = None,
) -> str | None:
    """A valid username made from a full name or a rejected username, or None if none can be.

    "Jürgen Müller" → "juergen-mueller", "Anna-Lena" → "anna-lena", "Zoë O'Neil" → "zoe-o-neil".
    Names in ``taken`` (and names refused for other reasons) get a digit suffix: "anna2".
    """
    words = [w for w in (_slug(part) for part in full_name.split()) if w]
    if not words:
        return None
    joined = words[0] if len(words) == 1 else f"{words[0]}-{words[-1]}"
    base = joined[:MAX_LENGTH].rstrip("-_")
    if not base:
        return None
    taken_set = set(taken)
    candidate = base
    for n in range(2, 1000):
        if candidate not in taken_set and username_problem(candidate, accounts=accounts) is None:
            return candidate
        suffix = str(n)
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-_") + suffix
    return None


def check_username(
    name: str,
    *,
    accounts: Mapping[str, int] | None = None,
    taken: Collection[str] = (),
    full_name: str | None = None,
) -> None:
    """Raise :class:`UsernameRefused` (with a suggestion) unless ``name`` is a valid username.

    The suggestion is made from ``full_name`` when given, else from ``name`` itself.
    """
    problem = username_problem(name, accounts=accounts)
    if problem is None:
        return
    code, reason = problem
    source = full_name if full_name and full_name.strip() else name
    suggested = suggest_username(source, taken, accounts=accounts)
    if suggested == name:
        suggested = None
    raise UsernameRefused(name, reason, suggested, code)
