"""The package's shape (issue 13): topic modules, one error shape for look-ups, plain constants.

Every public look-up in coplearn.paper and coplearn.teaching raises LookupError naming what was asked
for and listing the valid keys; the figures and widgets packages list every name they find lazily,
so that editors and type checkers see them; library code never exits the interpreter.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import coplearn as cl
from coplearn.paper import supervision
from coplearn.teaching import cultures as teaching_cultures
from coplearn.teaching import community_learning, groupwork, interface, leadership_plan, organisational_learning
from coplearn.teaching import routes, sorting, vignettes

SRC = Path(cl.__file__).parent

#: Each public look-up, the valid keys it should list, and a key it should find.
GETTERS: list[tuple[str, Callable[[str], object], Callable[[], list[str]]]] = [
    ("get_culture", cl.get_culture, lambda: [c.key for c in cl.cultures()]),
    ("get_principle", cl.get_principle, lambda: [p.id for p in cl.principles()]),
    ("get_item", cl.get_item, lambda: [i.id for i in cl.team_audit()]),
    ("get_concept", cl.get_concept, lambda: [c.id for c in cl.concepts()]),
    ("get_lesson", cl.get_lesson, lambda: [lesson.number for lesson in cl.lessons()]),
    ("get_pcf", cl.get_pcf, lambda: [d.name for d in cl.pcf_domains()]),  # names are listed; keys work too
    ("get_readiness", cl.get_readiness, lambda: [r.code for r in cl.readiness_levels()]),
    ("get_style", cl.get_style, lambda: [s.name for s in cl.styles()]),
    ("get_stage", cl.get_stage, lambda: [s.key for s in cl.tuckman_stages()]),
    ("style_for_stage", cl.style_for_stage, lambda: [s.key for s in cl.tuckman_stages()]),
    ("get_future", cl.get_future, lambda: [f.key for f in cl.supervision_futures()]),
    ("get_degree", cl.get_degree, lambda: [d.key for d in cl.involvement_degrees()]),
    ("team_audit", cl.team_audit, lambda: ["task", "team", "individual"]),
    ("concepts", cl.concepts, lambda: sorted({c.section for c in cl.concepts()})),
    ("principles", cl.principles, lambda: [c.key for c in cl.cultures()]),
    ("principle_cue", teaching_cultures.principle_cue, lambda: [p.id for p in cl.principles()]),
    ("get_example_team", teaching_cultures.get_example_team, lambda: [e.key for e in teaching_cultures.example_teams()]),
    ("get_skill", groupwork.get_skill, lambda: [s.key for s in groupwork.skills()]),
    ("get_route", routes.get_route, lambda: [r.key for r in routes.routes()]),
    ("sort_activity", sorting.sort_activity, lambda: [a.key for a in sorting.sort_activities()]),
    ("sort_activities", sorting.sort_activities, lambda: [lesson.number for lesson in cl.lessons()]),
    ("get_vignette", vignettes.get_vignette, lambda: [v.id for v in vignettes.staff_vignettes()]),
    ("check_style", lambda name: vignettes.check_style(name, "S1"), lambda: [v.id for v in vignettes.staff_vignettes()]),
]


@pytest.mark.parametrize("name,getter,keys", GETTERS, ids=[g[0] for g in GETTERS])
def test_every_lookup_finds_a_real_key_and_lists_the_keys_for_an_unknown_one(name, getter, keys):
    valid = keys()
    assert valid, f"{name}: no keys to list"
    getter(valid[-1])  # a real key is found
    with pytest.raises(LookupError) as info:
        getter("no-such-thing")
    message = str(info.value)
    assert "'no-such-thing'" in message and "choose one of" in message, message
    listed = message.split("choose one of:", 1)[1]
    assert all(k in listed for k in valid), f"{name}: {message}"


def test_supervision_lookups_name_the_keys():
    with pytest.raises(LookupError, match="monitoring"):
        supervision.get_future(3)  # type: ignore[arg-type]


def _modules(package: str) -> list[str]:
    pkg = importlib.import_module(f"coplearn.{package}")
    return [m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")]


@pytest.mark.parametrize("package", ["figures", "widgets"])
def test_lazy_packages_list_every_topic_name_for_type_checkers(package):
    pkg = importlib.import_module(f"coplearn.{package}")
    assert sorted(pkg._MODULES) == sorted(_modules(package)), "every topic module is searched"
    tree = ast.parse((SRC / package / "__init__.py").read_text(encoding="utf-8"))
    checked = [n for n in ast.walk(tree) if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING"]
    assert len(checked) == 1
    seen = {(imp.module, a.name) for imp in ast.walk(checked[0]) if isinstance(imp, ast.ImportFrom) for a in imp.names}
    for mod in pkg._MODULES:
        module = importlib.import_module(f"coplearn.{package}.{mod}")
        for name in module.__all__:
            assert (mod, name) in seen or any(n == name for _, n in seen), f"{package}.{mod}.{name} not under TYPE_CHECKING"
            assert name in pkg.__all__
            assert getattr(pkg, name) is not None
    for name in pkg.__all__:
        getattr(pkg, name)


@pytest.mark.parametrize("package", ["paper", "teaching"])
def test_constants_are_plain_module_attributes(package):
    for mod in _modules(package):
        module = importlib.import_module(f"coplearn.{package}.{mod}")
        assert "__getattr__" not in vars(module), f"coplearn.{package}.{mod} has a module __getattr__"
        for name in module.__all__:
            if name.isupper():
                assert name in vars(module), f"coplearn.{package}.{mod}.{name} is not a plain attribute"


def test_library_code_never_exits_the_interpreter():
    exits = re.compile(r"raise SystemExit|sys\.exit\(|(?<![\w.])exit\(|os\._exit\(")
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("cli/"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if exits.search(code) and '"import sys;' not in code:
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, offenders


OWNED = ("paper", "teaching", "figures", "widgets", "core")


@pytest.mark.parametrize("package", OWNED)
def test_modules_stay_under_about_400_lines_or_say_why(package):
    for path in sorted((SRC / package).glob("*.py")):
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > 420:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert "lines because" in doc, f"{package}/{path.name} has {lines} lines and its docstring does not say why"


#: Each function that takes a learner's value, a bad value, the item the message must name and an allowed value it must list.
BAD_VALUES = [
    ("culture_profile", lambda: cl.culture_profile({"P1": 9}), "P1", "5 = strongly agree"),
    ("score_audit rating", lambda: cl.score_audit({"K1": "lots"}), "K1", "1 to 5"),
    ("score_audit stage", lambda: cl.score_audit({"T3": "chaos"}), "T3", "storming"),
    ("rating_from_word", lambda: cl.rating_from_word("high", "T4"), "T4", "very good"),
    ("readiness", lambda: cl.readiness("maybe", True), "able", "True or False"),
    ("check_community", lambda: community_learning.check_community({"trust": 0}), "trust", "1 to 5"),
    ("check_interface", lambda: interface.check_interface({"IF1": "maybe"}), "IF1", "not_yet"),
    ("compare_learning", lambda: organisational_learning.compare_learning({"culture": 6}, {}), "culture", "1 to 5"),
    ("leadership_plan", lambda: leadership_plan.leadership_plan(stage="norming", actions=["Share cases weekly"], interface="Brief my manager monthly."),
     "actions", "at least"),
    ("leadership_plan date", lambda: leadership_plan.leadership_plan(stage="norming", actions=["Share cases weekly", "Invite a carer"],
                                                                       interface="Brief my manager monthly.", date="soon"), "date", "YYYY-MM-DD"),
]


@pytest.mark.parametrize("name,call,item,allowed", BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_a_bad_value_raises_valueerror_naming_the_item_and_what_is_allowed(name, call, item, allowed):
    with pytest.raises(ValueError) as info:
        call()
    assert not isinstance(info.value, LookupError)
    message = str(info.value)
    assert item in message and allowed in message, message


#: Unknown names inside learner input are look-ups too.
UNKNOWN_NAMES = [
    ("culture_profile", lambda: cl.culture_profile({"Z9": 3})),
    ("score_audit", lambda: cl.score_audit({"Z9": 3})),
    ("check_community", lambda: community_learning.check_community({"respect": 3})),
    ("check_interface", lambda: interface.check_interface({"IF99": "yes"})),
    ("compare_learning", lambda: organisational_learning.compare_learning({"morale": 3}, {})),
    ("plan_learning", lambda: community_learning.plan_learning(["lecture"])),
    ("leadership_plan culture", lambda: leadership_plan.leadership_plan(
        stage="norming", actions=["Share cases weekly", "Invite a carer"], interface="Brief my manager monthly.", culture_gaps=["clan"])),
]


@pytest.mark.parametrize("name,call", UNKNOWN_NAMES, ids=[u[0] for u in UNKNOWN_NAMES])
def test_an_unknown_name_in_learner_input_raises_lookuperror_listing_the_keys(name, call):
    with pytest.raises(LookupError, match="choose one of: "):
        call()
