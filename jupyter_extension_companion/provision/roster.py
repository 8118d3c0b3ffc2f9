"""The class list: each student is a system account and a hub user, managed in one step.

CONTRACT (used by service/, cli/ and tests; keep these signatures):

    roster = Roster(hub=HubClient(url, token), paths=ClassroomPaths(), accounts=SystemAccounts(paths))
    roster.list() -> list[Student]                       # hub + system state merged
    roster.get(name) -> Student                           # NotFound if neither hub nor system knows it
    roster.add(name, password=None, full_name=None, teacher=False) -> Credentials
    roster.set_password(name, password=None) -> Credentials   # None -> generated
    roster.disable(name) -> Change ; roster.enable(name) -> Change
    roster.remove(name, keep_account=False) -> Change     # Change.archive = path of the tar.gz
    roster.set_teacher(name, teacher: bool) -> Change
    roster.start_server(name) -> Change ; roster.stop_server(name) -> Change

Student (dataclass, .to_json() -> dict): name, full_name, teacher, locked, system_account,
hub_user, server_running, last_activity (ISO str or None), home (str).
Credentials: name, password (plain, shown once, never logged), generated (bool), full_name.
Change: name, action, changed (bool: False means "nothing to change"), message, archive (str|None).
"""
