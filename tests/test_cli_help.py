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
