"""The shared group listing never keeps a listing that a change made stale while it was read."""

from jupyter_extension_companion.provision.classes import GroupListing


class SlowHub:
    """A hub whose listing is overtaken by a change (made through Classes) while it is read."""

    def __init__(self) -> None:
        self.calls = 0

    def list_groups(self) -> list[dict]:
        self.calls += 1
        if self.calls == 1:
            GroupListing.invalidate()  # a class was created while this answer was on its way
            return []
        return [{"name": "7a", "users": ["anna"]}]


def test_a_listing_overtaken_by_a_change_is_not_kept():
    hub = SlowHub()
    assert GroupListing.get(hub) == []  # the stale answer goes to its caller only
    assert GroupListing.get(hub) == [{"name": "7a", "users": ["anna"]}]  # asked again
    assert hub.calls == 2
    assert GroupListing.get(hub) == [{"name": "7a", "users": ["anna"]}]  # now kept
    assert hub.calls == 2
