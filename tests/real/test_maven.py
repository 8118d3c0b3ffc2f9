"""Maven Central for real: POM resolution (parents, properties, BOM imports) and checksums."""

from __future__ import annotations

import pytest

from jupyter_extension_companion.provision.errors import NotFound
from jupyter_extension_companion.provision.maven import Coordinates, MavenRepository

pytestmark = [pytest.mark.real]


def test_resolve_httpclient_versions_from_parent():
    got = [
        str(c)
        for c in MavenRepository().resolve(
            Coordinates.parse("org.apache.httpcomponents:httpclient:4.5.14")
        )
    ]
    assert got == [
        "org.apache.httpcomponents:httpclient:4.5.14",
        "org.apache.httpcomponents:httpcore:4.4.16",
        "commons-logging:commons-logging:1.2",
        "commons-codec:commons-codec:1.11",
    ]


def test_resolve_jackson_through_bom():
    got = [
        str(c)
        for c in MavenRepository().resolve(
            Coordinates.parse("com.fasterxml.jackson.core:jackson-databind:2.17.0")
        )
    ]
    assert got[0] == "com.fasterxml.jackson.core:jackson-databind:2.17.0"
    assert "com.fasterxml.jackson.core:jackson-annotations:2.17.0" in got
    assert "com.fasterxml.jackson.core:jackson-core:2.17.0" in got


def test_paho_and_gson_have_no_runtime_deps_and_verify():
    repo = MavenRepository()
    for coords in (
        "org.eclipse.paho:org.eclipse.paho.client.mqttv3:1.2.5",
        "com.google.code.gson:gson:2.10.1",
    ):
        c = Coordinates.parse(coords)
        assert repo.resolve(c) == [c]
        data, sums = repo.download(c)
        assert data[:4] == b"PK\x03\x04" and "sha1" in sums


def test_missing_version_is_not_found():
    with pytest.raises(NotFound):
        MavenRepository().resolve(Coordinates.parse("com.google.code.gson:gson:0.0.404"))
