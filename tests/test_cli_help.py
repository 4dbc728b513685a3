"""Every ``coplearn`` command and option explains itself in ``--help`` (docs16 F10: ``site serve``'s
folder and port had no words and showed no defaults)."""

from __future__ import annotations

import argparse

from coplearn.cli.main import build_parser


def _unexplained(parser: argparse.ArgumentParser, name: str) -> list[str]:
    missing = [] if parser.description else [f"{name}: no description"]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in action.choices.items():
                missing += _unexplained(subparser, f"{name} {sub}")
        elif not isinstance(action, argparse._HelpAction) and not action.help:
            missing.append(f"{name}: {'/'.join(action.option_strings) or action.dest} has no help")
    return missing


def test_every_command_and_option_has_help():
    assert _unexplained(build_parser(), "coplearn") == []


def test_the_check_finds_a_command_without_help():
    parser = argparse.ArgumentParser(description="top")
    sub = parser.add_subparsers()
    quiet = sub.add_parser("quiet")
    quiet.add_argument("--port", type=int)
    assert _unexplained(parser, "x") == ["x quiet: no description", "x quiet: --port has no help"]


def test_site_build_takes_its_folder_alone_as_site_serve_does(monkeypatch, tmp_path, capsys):
    """walk18 L7: `coplearn site build OUT` failed ("unrecognized arguments"); only `-o OUT` worked."""
    import coplearn.site.build as build
    from coplearn.cli.main import main

    built: list[object] = []
    monkeypatch.setattr(build, "build_site", lambda output, **kw: built.append(output))
    assert main(["site", "build", str(tmp_path / "a")]) == 0
    assert main(["site", "build", "-o", str(tmp_path / "b")]) == 0
    assert main(["site", "build", str(tmp_path / "c"), "-o", str(tmp_path / "d")]) == 2
    assert "give the folder once" in capsys.readouterr().out
    assert [str(p) for p in built] == [str(tmp_path / "a"), str(tmp_path / "b")]


def test_autograde_help_shows_this_servers_jobs_but_other_commands_do_not_read_the_cgroup(monkeypatch, capsys):
    """check24 finding 10: building the parser (every command) read the control-group files to fill in
    ``--jobs``'s help; now only ``coplearn autograde --help`` works the figure out."""
    import pytest

    import coplearn.grading.capacity as capacity
    from coplearn.cli.main import main

    calls: list[int] = []

    def counted() -> int:
        calls.append(1)
        return 7

    monkeypatch.setattr(capacity, "default_jobs", counted)
    build_parser()
    assert calls == []
    with pytest.raises(SystemExit):
        main(["autograde", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert calls and "lets it use, here 7)" in out
