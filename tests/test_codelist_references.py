"""The cross-reference checks of the variables code list, one test per failure mode.

Each case breaks a copy of the shipped code list (SYNTHETIC edits) and checks the message
names the file and line, the code and what is wrong.
"""

from __future__ import annotations

import pytest

from greenplan import variables
from greenplan.definitions import CodeListError
from greenplan.messages import msg


def _refusal(table: dict) -> str:
    where = {code: msg("variables.place", file="x.csv", line=7) for code in table}
    with pytest.raises(CodeListError) as info:
        variables._check_references(table, where)
    return info.value.text("en")


def _edited(code: str, **update: object) -> dict:
    table = dict(variables.VARIABLES)
    table[code] = table[code].model_copy(update=update)
    return table


def test_shipped_code_list_passes() -> None:
    where = {code: msg("variables.place", file="x.csv", line=2) for code in variables.VARIABLES}
    variables._check_references(dict(variables.VARIABLES), where)


def test_unknown_unit() -> None:
    gdp = variables.VARIABLES["gdp"].model_copy(update={"unit": "zz_no_such_unit"})
    text = _refusal({"gdp": gdp})
    assert text.startswith("x.csv, line 7: gdp: unit 'zz_no_such_unit' does not parse")


def test_dangling_parent_with_a_suggestion() -> None:
    text = _refusal(_edited("gdp", parent="gdpx"))
    assert text.startswith("x.csv, line 7: gdp: parent 'gdpx' is not a code.")
    assert "Did you mean: gdp" in text


def test_own_parent() -> None:
    assert _refusal(_edited("gdp", parent="gdp")).endswith("gdp: parent 'gdp' is not a code.")


def test_parent_of_another_dimension() -> None:
    text = _refusal(_edited("gdp", parent="energy_consumption"))
    assert "gdp: unit '亿元' cannot add up to the parent's '万吨标准煤'" in text


def test_name_of_two_variables() -> None:
    taken = variables.VARIABLES["energy_consumption"].name_zh
    text = _refusal(_edited("gdp", aliases=(taken,)))
    assert f"name or alias '{taken}' already belongs to" in text


def test_alias_that_is_another_code() -> None:
    text = _refusal(_edited("gdp", aliases=("energy_consumption",)))
    assert text.endswith("gdp: a name or alias is the code 'energy_consumption'")
