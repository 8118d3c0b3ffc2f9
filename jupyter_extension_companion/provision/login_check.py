"""Why a hub login was refused: tell a disabled student so, and nobody anything else.

PAM answers a refused login with one generic error, whether the password was wrong, the
account is locked (``usermod --lock``: the classroom's *disable*) or expired (``--expiredate``:
a removal in progress). The hub then shows "Invalid username or password", and a disabled
student keeps typing their password.

:func:`disabled_login` tells the disabled case apart *only for someone who knows the account's
password*: it checks the password against the hash kept behind the lock's ``!`` with the
system's ``crypt(3)`` (libxcrypt: yescrypt, SHA-512, ...). A wrong password, an unknown name or a
locked account without a real hash all give False, so the answer reveals nothing to a guesser
that the generic message does not (SECURITY.md, "Login messages").

Runs as root inside the hub (it reads ``/etc/shadow``); the password is never logged or kept.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hmac
import threading
import time
from pathlib import Path

SHADOW = Path("/etc/shadow")
_crypt_lock = threading.Lock()  # crypt(3) returns a static buffer: one caller at a time
_libcrypt: ctypes.CDLL | None = None


def _crypt_function() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    global _libcrypt
    if _libcrypt is None:
        for name in (ctypes.util.find_library("crypt"), "libcrypt.so.1", "libcrypt.so.2"):
            if not name:
                continue
            try:
                _libcrypt = ctypes.CDLL(name)
                break
            except OSError:
                continue
        else:
            return None
    fn = _libcrypt.crypt
    fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    fn.restype = ctypes.c_char_p
    return fn


def password_matches(password: str, hashed: str) -> bool:
    """True if ``password`` hashes to ``hashed`` (a crypt(3) string such as ``$y$...``).

    False for anything that is not a real hash (``*``, ``!``, empty), when libcrypt is missing,
    or when the password cannot be encoded.
    """
    if not hashed.startswith("$") or not password:
        return False
    crypt = _crypt_function()
    if crypt is None:
        return False
    try:
        phrase = password.encode("utf-8")
        setting = hashed.encode("ascii")
    except UnicodeError:
        return False
    if b"\0" in phrase:
        return False
    with _crypt_lock:
        out = crypt(phrase, setting)
    if not out or out.startswith(b"*"):  # libxcrypt's failure tokens start with "*"
        return False
    return hmac.compare_digest(out, setting)


def _shadow_entry(name: str, shadow_file: Path) -> list[str] | None:
    try:
        text = shadow_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.split("\n"):
        parts = line.split(":")
        if len(parts) >= 8 and parts[0] == name:
            return parts
    return None


def disabled_login(name: str, password: str, *, shadow_file: Path = SHADOW,
                   today: int | None = None) -> bool:
    """True if ``name`` is locked or expired *and* ``password`` is its password.

    ``today`` is the day number since 1970 (shadow's unit; default: now). An account is
    disabled when its hash carries the lock's ``!`` in front of a real hash, or when its
    expiry day has come. Call this only after the real login failed.
    """
    if not name or ":" in name or "\n" in name:
        return False
    entry = _shadow_entry(name, shadow_file)
    if entry is None:
        return False
    hashed, expiry = entry[1], entry[7]
    locked = hashed.startswith("!")
    day = int(time.time() // 86400) if today is None else today
    expired = expiry.isdigit() and int(expiry) <= day
    if not (locked or expired):
        return False
    return password_matches(password, hashed.lstrip("!"))
