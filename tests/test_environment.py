"""The project's own conventions: dependencies in sync, notebooks without outputs and with a
parameters cell, imports only at module level (no hidden cycles), a README in every top-level
folder, no generated files in git."""
import ast
import json
import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!\[ ;]", req.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["dev"]
    py = {_name(d): d.replace(" ", "") for d in deps}
    env = {}
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^\s{2,6}- ([A-Za-z0-9_.\-]+)(.*)$", line)
        if m and m.group(1) not in ("python", "pip", "-e"):
            env[m.group(1).lower()] = (m.group(1) + m.group(2)).replace(" ", "")
    assert set(py) == set(env), f"bara i pyproject: {set(py) - set(env)}, bara i environment.yml: {set(env) - set(py)}"
    for name in py:
        assert py[name] == env[name], f"{name}: {py[name]} != {env[name]}"


def test_committed_notebooks_have_no_outputs_and_have_cell_ids():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["nbformat"] == 4 and nb["nbformat_minor"] >= 5, path.name
        for cell in nb["cells"]:
            assert cell.get("id"), f"{path.name}: en cell saknar id"
            assert not cell.get("outputs"), f"{path.name} har sparade utdata"
            assert not cell.get("execution_count"), f"{path.name} har exekveringsräknare"


def test_notebooks_have_a_parameters_cell_and_cells_are_one_call():
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name
        assert "kommun" in "".join(tagged[0]["source"])
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] == "code":
                assert "HTML(" not in src and "<" not in src, f"{path.name}: HTML i en cell: {src[:60]}"
                assert src.count("\n") <= 4, f"{path.name}: logik hör hemma i helpers: {src[:60]}"


def _function_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    out.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    return out


def test_no_function_level_imports_in_helpers():
    found = [x for pkg in ("helpers", "sie4") for p in sorted((ROOT / "src" / pkg).rglob("*.py"))
             for x in _function_level_imports(p)]
    assert found == [], "importer inne i funktioner döljer lager och cykler: " + ", ".join(found)


def test_layers_import_only_downwards():
    order = ["core", "ingest", "checks", "analysis", "present", "render", "app", "batch"]
    rank = {name: i for i, name in enumerate(order)}
    problems = []
    for path in sorted((ROOT / "src" / "helpers").rglob("*.py")):
        rel = path.relative_to(ROOT / "src" / "helpers")
        if len(rel.parts) < 2:
            continue
        layer = rel.parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                target = node.module.split(".")[0]
                if target in rank and rank[target] > rank[layer]:
                    problems.append(f"{rel} importerar {target}")
    assert problems == []


# Packages whose every module has its own unit-test module tests/test_<package>_<module>.py (small
# hand-typed frames, run by `make test-fast`), so no module is only exercised through full builds.
UNIT_TESTED_PACKAGES = ("checks", "analysis")
# The report's section builders (plain functions on ReportData) and what they rest on in present/.
SECTION_MODULES = ("summary", "economy", "forecast", "volumes", "quality", "sources", "kolada", "labels", "charts")


def test_every_module_of_the_computing_layers_has_its_own_test_module():
    modules = [(package, path) for package in UNIT_TESTED_PACKAGES
               for path in sorted((ROOT / "src" / "helpers" / package).glob("*.py")) if path.name != "__init__.py"]
    modules += [("present", ROOT / "src" / "helpers" / "present" / f"{m}.py") for m in SECTION_MODULES]
    assert all(path.exists() for _, path in modules)
    missing = [f"tests/test_{package}_{path.stem}.py (för src/helpers/{package}/{path.name})"
               for package, path in modules if not (ROOT / "tests" / f"test_{package}_{path.stem}.py").exists()]
    assert missing == [], "moduler utan egen testmodul: " + ", ".join(missing)


def test_every_top_level_folder_has_a_readme():
    for folder in ("data", "data/raw", "data/processed", "notebooks", "reports", "src", "tests", "benchmarks", "scripts"):
        assert (ROOT / folder / "README.md").exists(), folder


def test_generated_files_are_not_in_git():
    tracked = subprocess.run(["git", "ls-files", "reports", "data/processed"], cwd=ROOT, capture_output=True, text=True)
    files = [f for f in tracked.stdout.splitlines() if not f.endswith(("README.md", ".gitkeep"))]
    assert files == []


def test_sie4_is_standalone():
    """The SIE package is pure Python on its own: no helpers, no pandas, no third-party import."""
    allowed = {"__future__", "codecs", "collections", "dataclasses", "datetime", "math", "os", "pathlib", "re",
               "typing", "zlib"}
    for path in sorted((ROOT / "src" / "sie4").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [(node.module or "").split(".")[0]]
            else:
                continue
            assert set(names) <= allowed, f"{path.name}: {names}"
