"""The quorum suggested from attendance (safeguard.domain.quorum)."""

import pytest

from safeguard.domain.quorum import (
    QuorumVerdict,
    is_childrens_social_care,
    quorum_suggested,
)

SOCIAL_CARE = "Social Workers / Practice Supervisors"


@pytest.mark.parametrize(
    "name",
    [
        SOCIAL_CARE,
        "Children's social care",
        "Children\u2019s Social Care",
        "CSC",
        "csc",
        "Social services",
        "Children's Services",
        "Social work team",
    ],
)
def test_childrens_social_care_is_recognised_by_its_name(name):
    assert is_childrens_social_care(name)


@pytest.mark.parametrize("name", ["GP's", "PPU", "Health Visitor", "Adult social care", "Police"])
def test_other_agencies_are_not_childrens_social_care(name):
    assert not is_childrens_social_care(name)


def test_social_care_and_two_other_agencies_is_quorate():
    suggestion = quorum_suggested(attended=[SOCIAL_CARE, "GP's", "PPU"], invited=4)
    assert suggestion.verdict is QuorumVerdict.QUORATE and suggestion.quorate is True
    assert suggestion.other_agencies_attended == ("GP's", "PPU")


def test_social_care_and_one_other_agency_is_not_quorate():
    suggestion = quorum_suggested(attended=[SOCIAL_CARE, "GP's"], invited=4)
    assert suggestion.quorate is False
    assert "least 2 other agencies" in suggestion.reason


def test_three_agencies_without_social_care_is_not_quorate():
    suggestion = quorum_suggested(attended=["GP's", "PPU", "Health Visitor"], invited=3)
    assert suggestion.quorate is False
    assert suggestion.reason.startswith("Children's social care is not recorded as attending")


def test_two_agencies_of_one_type_count_as_one_professional_group():
    suggestion = quorum_suggested(attended=[SOCIAL_CARE, "GP's", "GP's"], invited=3)
    assert suggestion.quorate is False and suggestion.other_agencies_attended == ("GP's",)


def test_the_authority_may_ask_for_more_other_agencies():
    attended = [SOCIAL_CARE, "GP's", "PPU"]
    assert quorum_suggested(attended=attended, invited=3, other_agencies_needed=3).quorate is False
    assert quorum_suggested(attended=attended, invited=3, other_agencies_needed=1).quorate is True


def test_a_blank_setting_is_the_default_of_two_other_agencies():
    suggestion = quorum_suggested(
        attended=[SOCIAL_CARE, "GP's"], invited=2, other_agencies_needed=None
    )
    assert suggestion.other_agencies_needed == 2 and suggestion.quorate is False


def test_nothing_is_suggested_when_no_invitation_is_recorded():
    suggestion = quorum_suggested(attended=[], invited=0)
    assert suggestion.verdict is QuorumVerdict.UNKNOWN and suggestion.quorate is None
