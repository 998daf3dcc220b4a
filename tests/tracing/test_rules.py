"""The tracing rules as pure functions: windows, venue overlaps, the transport guide, routing, editions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from lianfang.core.clock import SHANGHAI
from lianfang.tracing import rules
from lianfang.tracing.cases import rules as checks
from lianfang.tracing.clusters.render import Node, generations, render_svg
from lianfang.tracing.metrics import rules as metrics

T = datetime(2021, 10, 20, 15, 0, tzinfo=SHANGHAI)


def test_window_runs_from_whole_days_before_onset_to_isolation():
    start, end = rules.window(T, None, T, T + timedelta(days=1), 2, T + timedelta(days=3))
    assert start == datetime(2021, 10, 18, 0, 0, tzinfo=SHANGHAI) and end == T + timedelta(days=1)
    start4, end4 = rules.window(None, T, T, None, 4, T + timedelta(hours=5))
    assert start4 == datetime(2021, 10, 16, tzinfo=SHANGHAI) and end4 == T + timedelta(hours=5)


def test_rule_sets_by_date_and_secondary_contacts_dropped_in_november_2022():
    assert rules.rules_for(date(2021, 10, 20)).edition == "8th"
    assert rules.rules_for(date(2022, 7, 1)).edition == "9th"
    assert rules.rules_for(date(2022, 11, 12)).secondary is False
    assert rules.rules_for(date(2019, 1, 1)).edition == "7th"


def test_venue_overlap_thresholds():
    r = rules.rules_for(date(2021, 10, 20))
    assert rules.venue_category(r, "ktv", True, 100, 40) == ("close", "venue_enclosed")
    assert rules.venue_category(r, "ktv", True, 100, 20) == ("general", "venue")
    assert rules.venue_category(r, "restaurant", True, 80, 120) == ("general", "venue")  # the table decides
    assert rules.venue_category(r, "restaurant", True, 12, 20) == ("close", "venue_enclosed")  # small room
    assert rules.venue_category(r, "restaurant", True, 12, 10) == ("general", "venue")
    assert rules.venue_category(r, "ktv", True, 20, 16) == ("close", "venue_enclosed")  # small: stricter
    assert rules.venue_category(r, "supermarket", False, 100, 300) == ("general", "venue")
    assert rules.venue_category(r, "supermarket", False, 100, 3) is None
    assert rules.venue_category(r, "other", False, None, 61) == ("close", "venue_enclosed")
    assert rules.venue_category(r, "ktv", True, 10, 0) is None
    assert rules.secondary_by_venue(r, True, 12, 75) and not rules.secondary_by_venue(r, True, 12, 45)
    assert not rules.secondary_by_venue(r, True, 200, 300) and not rules.secondary_by_venue(r, False, 12, 300)


def test_transport_guide():
    seat = rules.Seat
    assert rules.transport_category("flight", seat(None, 12), seat(None, 15))[0] == "close"
    assert rules.transport_category("flight", seat(None, 12), seat(None, 16))[0] == "general"
    assert rules.transport_category("flight", seat(None, None), seat(None, 30))[0] == "close"
    assert rules.transport_category("train_sealed", seat("5", 1), seat("5", 20))[0] == "close"
    assert rules.transport_category("train_sealed", seat("5", 1), seat("6", 1))[0] == "general"
    assert rules.transport_category("train_open", seat("5", 3), seat("5", 4))[0] == "close"
    assert rules.transport_category("train_open", seat("5", 3), seat("5", 6))[0] == "general"
    assert rules.transport_category("coach_sealed", seat(None, 1), seat(None, 20))[0] == "close"
    assert rules.transport_category("bus", seat(None, 1), seat(None, 5))[0] == "general"
    assert rules.transport_category("ship", seat("A3", None), seat("A3", None))[0] == "close"


def test_routing_and_deadlines():
    assert rules.district_path("/1/4/17/23/") == "/1/4/"
    assert rules.route("/1/4/17/23/", "/1/4/18/30/") == "community"
    assert rules.route("/1/4/17/23/", "/1/5/19/31/") == "assist"
    assert rules.route("/1/4/17/23/", None) == "outgoing"
    assert rules.control_deadline(T, "assist", "close", 4, 8) == T + timedelta(hours=4)
    assert rules.control_deadline(T, "community", "close", 4, 8) == T + timedelta(hours=8)
    assert rules.control_deadline(T, "community", "secondary", 4, 8) == T + timedelta(hours=12)
    assert rules.control_deadline(T, "community", "general", 4, 8) == T + timedelta(hours=24)


def test_secondary_window_and_problems():
    assert rules.secondary_window(T, None, T + timedelta(hours=3)) == (T, T + timedelta(hours=3))
    assert rules.secondary_window(T, T + timedelta(hours=1), T + timedelta(hours=3))[1] == T + timedelta(
        hours=1
    )
    fields = {p.field for p in checks.case_problems("asymptomatic", "x", "local", None, None, None, T)}
    assert fields == {"found_by", "onset_at", "sampled_at"}
    late = checks.case_problems("confirmed", "clinic", "local", T + timedelta(days=1), None, None, T)
    assert [p.field for p in late] == ["onset_at"]


def test_under_control_share_and_recall():
    rows = [("/1/4/9/", T, "under_control"), ("/1/4/9/", T, "clinic"), ("/1/5/7/", T, "under_control")]
    share = {r.district_path: r for r in metrics.under_control_share(rows)}
    assert share["/1/4/"].share == 0.5 and share["*"].cases == 3 and share["/1/5/"].share == 1.0
    recall = metrics.tracing_recall({1, 2, 3, 4}, {1, 2, 9}, {1}, 100, (3, 4), (2, 10))
    assert recall.system == 0.5 and recall.household_only == 0.25 and recall.oracle == 1.0
    assert (
        recall.random_expected == 0.03
        and recall.found_under_control == 0.75
        and recall.infection_coverage == 0.2
    )


def test_chain_graph_is_layered_and_escaped():
    nodes = [
        Node(1, "A<1>", "x", "confirmed", None, "/a"),
        Node(2, "B", "y", "asymptomatic", 1, "/b"),
        Node(3, "C", "z", "confirmed", 2, "/c"),
    ]
    assert generations(nodes) == {1: 0, 2: 1, 3: 2}
    svg = render_svg(nodes, "聚集 & 链")
    assert "A&lt;1&gt;" in svg and "聚集 &amp; 链" in svg and svg.count("<line") == 2
    cyclic = [Node(1, "A", "", "confirmed", 2, "/"), Node(2, "B", "", "confirmed", 1, "/")]
    assert set(generations(cyclic).values()) <= {1, 2}


def test_seats_modes_and_the_versioned_transport_table():
    assert rules.parse_seat("12C") == (None, 12) and rules.parse_seat("05车12F") == ("05", 12)
    assert rules.parse_seat("08D", "5") == ("5", 8) and rules.parse_seat("") == (None, None)
    assert rules.parse_seat("A3") is None
    assert rules.transport_mode("高铁") == rules.transport_mode("动车") == "train_sealed"
    assert rules.transport_mode("飞机") == "flight" and rules.transport_mode("rocket") is None
    assert (
        rules.seat_problem("flight", None, None) is not None and rules.seat_problem("flight", None, 3) is None
    )
    assert (
        rules.seat_problem("train_sealed", None, 3) is not None
        and rules.seat_problem("coach_sealed", None, None) is None
    )
    seat = rules.Seat
    assert rules.transport_category("bus", seat(None, 1), seat(None, 4)) == ("close", "同车前后三排")
    assert rules.transport_category("train_sealed", seat(None, 1), seat("5", 1))[0] == "close"  # unknown
    assert rules.TRANSPORT_EDITION in rules.transport_rule("9th") and "§1.2" in rules.transport_rule("9th")


def test_cluster_links_and_components():
    t = T
    assert (
        rules.venue_overlap(
            (t, t + timedelta(minutes=30)), (t + timedelta(minutes=20), t + timedelta(hours=1))
        )
        == 10
    )
    assert (
        rules.venue_overlap(
            (t, t + timedelta(minutes=30)), (t + timedelta(minutes=30), t + timedelta(hours=1))
        )
        is None
    )
    links = [rules.link(3, 1, "household", ""), rules.link(1, 2, "venue", ""), rules.link(7, 8, "trip", "")]
    assert links[0].a == 1 and links[0].b == 3
    assert rules.components(links) == [[1, 2, 3], [7, 8]]
    assert rules.suggested_setting(["infector", "venue", "venue", "household"]) == "venue"
    assert rules.suggested_setting(["infector"]) == "other"
    assert rules.meets_definition(5) and not rules.meets_definition(4)
