"""Atomic writes never follow a symlink someone planted at the target path."""

from __future__ import annotations

import os
import stat

from jupyter_extension_companion.provision.atomic import write_text_atomic


def test_symlink_at_the_path_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("root's file\n")
    os.chmod(victim, 0o600)
    link = tmp_path / "credentials.csv"
    link.symlink_to(victim)
    assert write_text_atomic(link, "new\n", mode=0o644) is True
    assert not link.is_symlink() and link.read_text() == "new\n"
    assert victim.read_text() == "root's file\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600


def test_same_content_behind_a_symlink_is_not_chmodded(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("same\n")
    os.chmod(victim, 0o600)
    link = tmp_path / "config"
    link.symlink_to(victim)
    # same bytes, other mode: the old code chmodded the link's target
    write_text_atomic(link, "same\n", mode=0o644)
    assert stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert not link.is_symlink() and stat.S_IMODE(link.stat().st_mode) == 0o644


def test_unchanged_file_keeps_and_fixes_mode(tmp_path):
    f = tmp_path / "f"
    assert write_text_atomic(f, "x", mode=0o600) is True
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert write_text_atomic(f, "x", mode=0o644) is False
    assert stat.S_IMODE(f.stat().st_mode) == 0o644
