"""The specs agents read are complete and true: every feature is indexed and has its files,
every table has a data model, every rule of the constitution names its check, and every test
a spec names exists."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from sqlmodel import SQLModel

import backend.models  # noqa: F401  (every table on the metadata)

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
CONSTITUTION = ROOT / ".specify" / "memory" / "constitution.md"
FEATURES = sorted(path for path in SPECS.iterdir() if re.fullmatch(r"\d{3}-[\w-]+", path.name))
TEST_REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::([\w:]+))?`")
NUMBERED = re.compile(r"^\d+\. ", re.MULTILINE)


def documents() -> Iterator[Path]:
    """Every Markdown file of the specs, and the constitution."""
    yield from SPECS.rglob("*.md")
    yield CONSTITUTION


def sections(text: str, heading: str) -> Iterator[str]:
    """The bodies of the `##` sections whose heading contains `heading` (any case)."""
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        title, _, body = section.partition("\n")
        if heading.lower() in title.lower():
            yield body


def defines(path: Path, qualified_name: str) -> bool:
    """Whether the module at `path` defines `Class::function` (or a top-level name)."""
    scope: list[ast.stmt] = ast.parse(path.read_text()).body
    for name in qualified_name.split("::"):
        found = [
            node
            for node in scope
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name == name
        ]
        if not found:
            return False
        scope = found[0].body
    return True


class TestSpecs:
    def test_every_feature_is_indexed_and_complete(self) -> None:
        index = (SPECS / "README.md").read_text()
        assert FEATURES
        for feature in FEATURES:
            assert f"]({feature.name}/spec.md)" in index, (
                f"{feature.name} is not in specs/README.md"
            )
            missing = [f for f in ("spec.md", "plan.md", "tasks.md") if not (feature / f).exists()]
            assert missing == [], f"{feature.name} lacks {missing}"

    def test_every_table_has_a_data_model(self) -> None:
        described = {
            match.group(1)
            for model in SPECS.glob("*/data-model.md")
            for match in re.finditer(r"^## `?(\w+)`?$", model.read_text(), re.MULTILINE)
        }
        assert set(SQLModel.metadata.tables) - described == set()

    def test_every_named_test_exists(self) -> None:
        references = [
            (document.relative_to(ROOT), match.group(1), match.group(2))
            for document in documents()
            for match in TEST_REFERENCE.finditer(document.read_text())
        ]
        assert len(references) > 50
        missing = [
            f"{document}: {path}{'::' + name if name else ''}"
            for document, path, name in references
            if not (ROOT / path).exists() or (name and not defines(ROOT / path, name))
        ]
        assert missing == []

    def test_every_acceptance_criterion_names_a_test(self) -> None:
        unproven = []
        for feature in FEATURES:
            for body in sections((feature / "spec.md").read_text(), "acceptance criteria"):
                criteria = NUMBERED.split(body)[1:]
                unproven += [
                    f"{feature.name} #{number}"
                    for number, criterion in enumerate(criteria, start=1)
                    if not TEST_REFERENCE.search(criterion)
                ]
        assert unproven == []

    def test_every_constitution_rule_names_its_check(self) -> None:
        rules = NUMBERED.split(CONSTITUTION.read_text())[1:]
        assert len(rules) > 20
        unchecked = [rule.splitlines()[0] for rule in rules if "check:" not in rule.lower()]
        assert unchecked == []
