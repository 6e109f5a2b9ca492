"""The optional read replica: public reads go there, never staler than the primary.

The routing rules are unit-tested here; the end-to-end tests run in a fresh
process with two SQLite files: the primary, and a copy of it standing in for
a replica that has replicated everything up to the moment of the copy.
"""

import json
import shutil

import pytest

from rehabinfo.db_router import PrimaryReplicaRouter, replica_reads
from tests.processes import CLOSED_PORT, run_manage

router = PrimaryReplicaRouter()


def test_router_reads_the_primary_outside_public_requests():
    assert router.db_for_read(object) == "default"


def test_router_reads_the_replica_inside_public_requests():
    token = replica_reads.set(True)
    try:
        assert router.db_for_read(object) == "replica"
        assert router.db_for_write(object) == "default"
    finally:
        replica_reads.reset(token)


def test_router_migrates_only_the_primary():
    assert router.allow_migrate("default", "content")
    assert not router.allow_migrate("replica", "content")


@pytest.fixture
def primary_and_replica(tmp_path):
    """Database URLs of a seeded primary and of a replica copied from it."""
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    for command in (["migrate", "-v0"], ["seed"], ["render_documents"]):
        result = run_manage(*command, env={"DATABASE_URL": f"sqlite:///{primary}"})
        assert result.returncode == 0, result.stderr
    shutil.copyfile(primary, replica)
    return f"sqlite:///{primary}", f"sqlite:///{replica}"


SCRIPT = """
import json
from django.test import Client
from content.models import Topic
from publishing.documents import STALE
from publishing.models import Document

client = Client()
PATH = "/api/v1/topics/heroin-rehab/"
seen = {}
# A difference only the primary holds, recorded as no editorial change: the
# replica serves its stored document; the primary would render a new one.
Topic.objects.filter(slug="heroin-rehab").update(title="Primary only")
Document.objects.update(valid_until=STALE)
seen["public, replica current"] = client.get(PATH).json()["title"]
seen["editorial read"] = Topic.objects.get(slug="heroin-rehab").title
# A real edit, which the replica has not received.
topic = Topic.objects.get(slug="heroin-rehab")
topic.title = "Edited"
topic.save()
seen["public, replica behind"] = client.get(PATH).json()["title"]
print(json.dumps(seen))
"""


def test_public_reads_use_the_replica_until_it_falls_behind(primary_and_replica):
    primary, replica = primary_and_replica

    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        SCRIPT,
        env={"DATABASE_URL": primary, "DATABASE_REPLICA_URL": replica},
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "public, replica current": "Heroin rehab",
        "editorial read": "Primary only",
        "public, replica behind": "Edited",
    }


def test_unreachable_replica_falls_back_to_the_primary(primary_and_replica):
    primary, _ = primary_and_replica
    script = (
        "from django.test import Client; c = Client(); "
        "print([c.get('/api/v1/topics/heroin-rehab/').status_code for _ in range(3)])"
    )

    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        env={
            "DATABASE_URL": primary,
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/x",
        },
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "[200, 200, 200]"
    # One warning: the replica is not retried on every request.
    assert result.stderr.count("Read replica unreachable") == 1


def test_unreachable_primary_with_a_replica_is_a_503_not_a_500(primary_and_replica):
    _, replica = primary_and_replica
    # Keyed and POST requests bypass the response cache and reach the router.
    script = (
        "from django.test import Client; c = Client(); "
        "print([c.get('/api/v1/topics/', HTTP_X_API_KEY='Zz99Yy88.' + 'a' * 32)"
        ".status_code, "
        "c.post('/api/v1/comparisons/x/assessment/', {}, "
        "content_type='application/json').status_code])"
    )

    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        env={
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/x",
            "DATABASE_REPLICA_URL": replica,
        },
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "[503, 503]"
