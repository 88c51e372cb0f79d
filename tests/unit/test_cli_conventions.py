"""The command line's conventions: help with defaults, environment and examples; completion; man page; -V; -q."""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from diglot import __version__
from diglot.tui.cli import COMMANDS, ENVIRONMENT, SHELLS, build_parser, main, manual_page

VENV_BIN = Path(sys.executable).parent


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit:  # --help and --version exit through argparse
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def parsers(parser: argparse.ArgumentParser, name: str = "diglot") -> list[tuple[str, argparse.ArgumentParser]]:
    """Every parser of the command line, its own name first: diglot, diglot summarize, diglot models pull..."""
    found = [(name, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in action.choices.items():
                found += parsers(subparser, f"{name} {sub}")
    return found


def test_the_main_help_names_the_environment_and_gives_examples(capsys):
    code, out, err = run(capsys, "--help")
    assert code == 0 and err == ""
    for variable in ("DIGLOT_CONFIG", "DIGLOT_CACHE_DIR", "HF_HOME", "HF_HUB_OFFLINE", "HF_ENDPOINT", "HF_TOKEN"):
        assert f"\n  {variable} " in out
    examples = out.split("\nexamples:\n")[1]
    assert "  diglot translate article.txt --to zh --format md\n      translate a file into Chinese" in examples
    assert "-V, --version" in out
    for command in COMMANDS:
        assert f"    {command} " in out  # each command listed with its help


LENGTH = "--length {short,medium,long} how long a summary (default: medium)"


@pytest.mark.parametrize(
    ("command", "default"),
    [
        ("summarize", LENGTH),
        ("translate", "how long a summary, with --summary (default: medium)"),
        ("batch", "(default: md)"),
        ("eval translate", "--backend {auto,ctranslate2,transformers} inference engine; repeat it"),
        ("eval summarize", LENGTH),
        ("cache", "show sizes and counts, or empty them (default: info)"),
    ],
)
def test_a_commands_help_shows_its_defaults_and_examples(capsys, command: str, default: str):
    code, out, _ = run(capsys, *command.split(), "--help")
    assert code == 0
    flat = " ".join(out.split())  # argparse wraps lines at the terminal's width
    assert default in flat and "(default: " in flat
    if command != "cache":
        assert f"\nexamples:\n  diglot {command} " in out


def test_every_option_with_a_default_shows_it_and_every_argument_has_help():
    for name, parser in parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction | argparse._HelpAction | argparse._VersionAction):
                continue
            label = f"{name} {'/'.join(action.option_strings) or action.dest}"
            assert action.help, f"{label} has no help"
            if action.default not in (None, False, ()):
                assert "default" in parser._get_formatter()._get_help_string(action), label


def test_minus_capital_v_prints_the_version(capsys):
    for flag in ("-V", "--version"):
        code, out, _ = run(capsys, flag)
        assert code == 0 and out == f"diglot {__version__}\n"


def test_batch_minus_q_is_quiet(capsys, tmp_path: Path, seed: Path):
    code, out, err = run(capsys, "batch", str(seed), "--method", "extractive", "--out", str(tmp_path / "out"), "-q")
    assert code == 0 and out == "" and err == ""
    assert len(list((tmp_path / "out").glob("*.md"))) == 1 and (tmp_path / "out" / "index.jsonl").is_file()


def completion(capsys, shell: str) -> str:
    code, out, err = run(capsys, "completion", shell)
    assert code == 0 and err == "" and out.endswith("\n")
    return out


def test_bash_completion_is_a_valid_script_that_completes_commands_and_options(capsys, tmp_path: Path):
    script = tmp_path / "diglot.bash"
    script.write_text(completion(capsys, "bash"), encoding="utf-8")
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    # What a TAB does: bash calls the function the script registers, which asks diglot itself.
    probe = f"""
        source {script}
        complete -p diglot
        tab() {{
            COMP_LINE="$1"; COMP_POINT=${{#COMP_LINE}}; read -ra COMP_WORDS <<< "$1"; COMP_WORDS+=("${{2-}}")
            COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
            _python_argcomplete diglot "${{COMP_WORDS[-1]}}" "${{COMP_WORDS[-2]}}"
            echo "${{COMPREPLY[*]}}"
        }}
        tab "diglot tra"
        tab "diglot batch --fo"
        tab "diglot completion " ""
    """
    environment = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=120, env=environment)
    assert done.returncode == 0, done.stderr
    registered, commands, options, shells = done.stdout.splitlines()
    assert registered.startswith("complete ") and registered.endswith(" diglot")
    assert commands.split() == ["translate"]
    assert options.split() == ["--format"]
    assert set(SHELLS) <= set(shells.split())  # and -h, --help


def test_zsh_and_fish_completion_scripts(capsys, tmp_path: Path):
    zsh, fish = completion(capsys, "zsh"), completion(capsys, "fish")
    assert zsh.startswith("#compdef diglot\n") and "_python_argcomplete" in zsh
    assert "complete --command diglot " in fish and "set -lx _ARGCOMPLETE 1" in fish
    for shell, script, check in (("zsh", zsh, ["zsh", "-n"]), ("fish", fish, ["fish", "--no-execute"])):
        if shutil.which(shell):
            path = tmp_path / f"diglot.{shell}"
            path.write_text(script, encoding="utf-8")
            subprocess.run([*check, str(path)], check=True, timeout=30)


def test_an_unknown_shell_is_a_usage_error(capsys):
    code, out, err = run(capsys, "completion", "powershell")
    assert code == 2 and out == "" and "invalid choice: 'powershell'" in err


def test_the_man_page_is_valid_roff_made_from_the_parser(capsys):
    code, out, err = run(capsys, "man")
    assert code == 0 and err == "" and out == manual_page()
    assert out.startswith('.TH DIGLOT "1" ') and f'"diglot {__version__}"' in out.splitlines()[0]
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "ENVIRONMENT", "EXAMPLES", "EXIT STATUS"):
        assert f"\n.SH {section}" in out
    groff = shutil.which("groff")
    if groff is None:
        pytest.skip("groff is not installed (Debian: groff-base)")
    # -ww: every warning; -z: parse only. Valid roff gives no warning at all.
    checked = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z"], input=out, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stderr == ""
    shown = subprocess.run(
        [groff, "-man", "-Tutf8", "-P-cbou", "-rLL=200n"], input=out, capture_output=True, text=True, check=True
    ).stdout
    for name, _ in ENVIRONMENT:
        assert name in shown
    for command in COMMANDS:
        assert f"diglot {command}" in shown
    assert "--length {short,medium,long}" in shown  # each command's options, from the parser
