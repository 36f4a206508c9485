import json
import re
import tomllib
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!\[ ;]", req.strip(), maxsplit=1)[0].lower()


def test_environment_yml_matches_pyproject():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    py = {_name(d): d.replace(" ", "") for d in deps}
    env = {}
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    deps_block = text.split("dependencies:", 1)[1]
    for line in deps_block.splitlines():
        m = re.match(r"^\s{2}- ([A-Za-z0-9_.\-]+)(.*)$", line)
        if m and m.group(1) not in ("python", "pip"):
            env[m.group(1).lower()] = (m.group(1) + m.group(2)).replace(" ", "")
    assert set(py) == set(env), f"bara i pyproject: {set(py) - set(env)}, bara i environment.yml: {set(env) - set(py)}"
    for name in py:
        assert py[name] == env[name], f"{name}: {py[name]} != {env[name]}"


def test_committed_notebooks_have_no_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            assert not cell.get("outputs"), f"{path.name} har sparade utdata"
            assert not cell.get("execution_count"), f"{path.name} har exekveringsräknare"


def test_notebooks_have_parameters_cell():
    for path in sorted((ROOT / "notebooks").glob("0[1-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name
        assert "kommun" in "".join(tagged[0]["source"]) and "period" in "".join(tagged[0]["source"])
