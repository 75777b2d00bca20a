"""A peer's journal: a check that was started and never finished (the process died in it) is an error that
says so; finished checks come back as they were; a line cut short by the death is ignored."""

from formulary.peers.journal import DIED, Journal


def test_a_restarted_worker_keeps_finished_checks_and_blames_the_one_it_died_in(tmp_path):
    path = tmp_path / "jax.jsonl"
    first = Journal(path)
    first.start("act.relu", "property")
    first.finish("act.relu", "property", {"status": "pass", "findings": {}})
    first.start("cnn.conv2d", "backward")  # ... and the process aborts here
    with path.open("a", encoding="utf-8") as f:
        f.write('{"record": "cnn.conv2d", "check": "ba')  # the death cut a line short
    again = Journal(path)
    assert again.outcome("act.relu", "property") == {"status": "pass", "findings": {}}
    assert again.outcome("cnn.conv2d", "backward") == {"status": "error", "message": DIED}
    assert again.outcome("cnn.conv2d", "property") is None  # still to run


def test_a_check_finished_after_a_restart_is_no_longer_blamed(tmp_path):
    path = tmp_path / "tf.jsonl"
    Journal(path).start("loss.mse", "property")
    again = Journal(path)
    again.finish("loss.mse", "property", {"status": "fail", "message": "differs"})
    assert Journal(path).outcome("loss.mse", "property") == {"status": "fail", "message": "differs"}
