"""Hub mode: a trainer revokes a certificate as a member of the hub group `trainer`.

Carla passes the fixture course through the grading API with her own hub token and gets
a certificate; she cannot revoke it herself, the trainer Tina can with her hub token
(no shared trainers' secret), and the public verification shows the revocation.
"""

from __future__ import annotations

from answer_patterns import answers_for

from hub_stack import HubStack
from kurskit.authoring.catalog import load_catalog

GROUPS = "read:users:groups!user"  # the token lets the service see the caller's groups


def test_a_trainer_of_the_hub_revokes_a_certificate_a_learner_cannot(hub_stack: HubStack):
    stack = hub_stack
    carla, tina = stack.login("carla"), stack.login("tina")
    as_carla = {"Authorization": f"token {stack.token(carla, 'carla', GROUPS)}"}
    as_tina = {"Authorization": f"token {stack.token(tina, 'tina', GROUPS)}"}
    for module in load_catalog(stack.project.courses).modules:
        drawn = carla.get(stack.api(f"/modules/{module.id}/draw"), headers=as_carla).json()
        done = carla.post(stack.api(f"/modules/{module.id}/submissions"), headers=as_carla,
                          json={"answers": answers_for(module, "solution", drawn["drawn"])})
        assert done.status_code == 201, done.text
    code = done.json()["certificate"]
    assert code, done.json()
    revoke = stack.api(f"/certificates/{code}/revoke")

    refused = carla.post(revoke, json={"reason": "Ich will nicht mehr"}, headers=as_carla)
    assert refused.status_code == 403 and refused.json()["message_de"]
    assert carla.get(stack.api(f"/verify/{code}")).json()["status"] == "valid"

    revoked = tina.post(revoke, json={"reason": "Täuschungsversuch"}, headers=as_tina)
    assert revoked.status_code == 200, revoked.text
    shown = carla.get(stack.api(f"/verify/{code}")).json()
    assert (shown["status"], shown["revoked_reason"]) == ("revoked", "Täuschungsversuch")
