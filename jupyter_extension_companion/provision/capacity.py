"""How many active students this host carries: the bench's per-student memory and the host's.

The figures come from ``bench/class-storm`` (N students at once, each with a server, a Java
kernel and a Python kernel that ran the MQTT templates; steady PSS of the whole hub tree divided
by N). Memory, not CPU, is what runs out in a lesson: CPU is only busy in bursts (kernel starts,
cells), while every open kernel keeps its memory until it is culled.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..paths import ClassroomPaths
from .kernel_install import JVM_OPTIONS_VAR
from .kernels import KernelCatalog

#: Steady memory per active student (server + Java kernel + Python kernel), MB, measured by
#: bench/class-storm with N=30 on a 2-core, 24 GB host (2026-11-30 17:05, bench/class-storm/
#: README.md): the classroom server (classroom-singleuser) 54 + Java with the classroom JVM
#: options 75 + Python 32 = 161, 173 with the 4 Java kernels that failed in that storm counted
#: at the mean; with JJava's stock kernelspec the Java kernel was 172 (184 with its 2 failed).
PER_STUDENT_MB_CLASSROOM_JVM = 175
PER_STUDENT_MB_STOCK_JVM = 270
#: Kept free for the system, the hub, the proxy and the services, and for bursts.
RESERVE_MB = 1024


@dataclass
class Capacity:
    """The estimate and what it is based on."""

    students: int
    memory_mb: int
    per_student_mb: int
    classroom_jvm: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self) -> str:
        jvm = "classroom JVM options" if self.classroom_jvm else "the JVM's defaults"
        return (f"this host can carry about {self.students} active students with Java "
                f"({self.memory_mb / 1024:.1f} GB memory, about {self.per_student_mb} MB per "
                f"student with {jvm}, measured by bench/class-storm)")


def host_memory_mb(meminfo: Path = Path("/proc/meminfo"),
                   cgroup_max: Path = Path("/sys/fs/cgroup/memory.max")) -> int:
    """Total memory in MB: the smaller of ``MemTotal`` and the cgroup limit (an LXC container
    or a systemd slice may have less than the machine)."""
    total_kb = 0
    for line in meminfo.read_text().splitlines():
        if line.startswith("MemTotal:"):
            total_kb = int(line.split()[1])
    mb = total_kb // 1024
    try:
        limit = cgroup_max.read_text().strip()
        if limit.isdigit():
            mb = min(mb, int(limit) // 2**20)
    except OSError:
        pass
    return mb


def java_kernel_has_classroom_options(paths: ClassroomPaths) -> bool:
    """True if the ``java`` kernelspec students get sets JVM options (a heap cap)."""
    try:
        java = KernelCatalog(paths).get("java")
    except Exception:  # noqa: BLE001 - no Java kernel: assume the heavier default
        return False
    options = java.env.get(JVM_OPTIONS_VAR, "") + " " + java.env.get("JJAVA_JVM_OPTS", "")
    return "-Xmx" in options


def estimate(paths: ClassroomPaths, memory_mb: int | None = None) -> Capacity:
    """About how many students with Java (server + Java + Python kernel) fit in memory."""
    memory = host_memory_mb() if memory_mb is None else memory_mb
    tuned = java_kernel_has_classroom_options(paths)
    per = PER_STUDENT_MB_CLASSROOM_JVM if tuned else PER_STUDENT_MB_STOCK_JVM
    students = max(0, (memory - RESERVE_MB) // per)
    return Capacity(students=int(students), memory_mb=memory, per_student_mb=per,
                    classroom_jvm=tuned)
