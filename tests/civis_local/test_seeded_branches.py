"""The demo's fan-out workflows are written as the engine runs them: both branches start when
`extract` ends, a failed branch does not stop the other, and the join then fails with
Mistral's "Failed by tasks" (the execution names both, sorted, a line each)."""

FAN_OUT = ("Daily fundraising dashboard", "Mail program QA", "Digital ads audiences")


def _failed_at_a_branch(admin) -> list[dict]:
    found = []
    workflows, page = [], 1
    while batch := admin.get("/workflows", params={"limit": 50, "page_num": page}).json():
        workflows += batch  # every page: other tests add workflows of their own
        page += 1
    for name in FAN_OUT:
        workflow = next(w for w in workflows if w["name"] == name)
        runs = admin.get(f"/workflows/{workflow['id']}/executions", params={"limit": 50}).json()
        for run in runs:
            if run["state"] != "failed":
                continue
            execution = admin.get(f"/workflows/{workflow['id']}/executions/{run['id']}").json()
            tasks = {task["name"]: task for task in execution["tasks"]}
            if (tasks.get("merge", {}).get("mistralStateInfo") or "").startswith("Failed by"):
                found.append(execution)
    return found


def test_a_failed_branch_lets_the_other_finish_and_fails_the_join(admin):
    failed = _failed_at_a_branch(admin)
    assert failed, "the demo has fan-out runs that failed in a branch"
    for execution in failed:
        tasks = {task["name"]: task for task in execution["tasks"]}
        voters, donors = tasks["clean_voters"], tasks["clean_donors"]
        assert {voters["mistralState"], donors["mistralState"]} <= {"success", "error"}
        branch = "clean_voters" if voters["mistralState"] == "error" else "clean_donors"
        assert tasks[branch]["mistralState"] == "error"
        assert voters["runs"][0]["startedAt"] == donors["runs"][0]["startedAt"]
        assert tasks["merge"]["mistralStateInfo"] == f"Failed by tasks: ['{branch}']"
        assert tasks["merge"]["runs"] == [] and "publish" not in tasks
        assert execution["mistralStateInfo"].startswith(
            f"Failure caused by error in tasks: {branch}, merge\n"
        )
