"""``formulary summary`` with torchinfo's conveniences: --depth, trainable and
non-trainable parameters, memory estimates, columns that fit any input, and the
counting conventions stated where they differ from torchinfo's."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from formulary import summary
from impl.networks import NETWORKS
from impl.networks import summary as impl_summary


def run(argv, capsys) -> tuple[int, str]:
    rc = summary.main(argv)
    return rc, capsys.readouterr().out


def body(text: str) -> list[str]:
    """The header and layer lines: between the first and the third rule."""
    lines = text.splitlines()
    rules = [i for i, li in enumerate(lines) if li and set(li) == {"="}]
    return [lines[rules[0] + 1], *lines[rules[1] + 1: rules[2]]]


def test_depth_one_shows_the_top_level_blocks_with_their_counts_summed(capsys):
    rc, out = run(["resnet18", "--depth", "1"], capsys)
    assert rc == 0
    leaves = impl_summary(NETWORKS["resnet18"]()).rows
    layer2 = next(li for li in body(out) if li.startswith("layer2 "))
    params = sum(r.params for r in leaves if r.name.startswith("layer2."))
    macs = sum(r.macs for r in leaves if r.name.startswith("layer2."))
    assert f"{params:,}" in layer2 and f"{macs:,}" in layer2 and "[1, 128, 28, 28]" in layer2
    assert not any(li.startswith("layer2.") for li in body(out))
    assert "Total params: 11,689,512" in out  # the totals do not depend on the depth


def test_depth_keeps_a_concatenation_s_output_shape(capsys):
    rc, out = run(["googlenet", "--depth", "1"], capsys)
    line = next(li for li in body(out) if li.startswith("inception3a "))
    assert "(Concat)" in line and "[1, 256, 28, 28]" in line  # 64 + 128 + 32 + 32 channels


def test_trainable_and_non_trainable_parameters(capsys):
    _, out = run(["lenet5"], capsys)
    assert "Trainable params: 60,000" in out and "Non-trainable params: 840" in out and "Total params: 60,840" in out
    _, out = run(["resnet18"], capsys)
    assert "Non-trainable params: 0" in out


def test_memory_estimates(capsys):
    _, out = run(["resnet18", "--batch", "2"], capsys)
    rows = impl_summary(NETWORKS["resnet18"](), batch=2).rows
    fwd = 2 * sum(int(np.prod(r.output_shape)) for r in rows) * 4
    assert f"Input size (MB): {2 * 3 * 224 * 224 * 4 / 1e6:,.2f}" in out
    assert f"Forward/backward pass size (MB): {fwd / 1e6:,.2f}" in out
    assert f"Params size (MB): {11_689_512 * 4 / 1e6:,.2f}" in out
    _, out64 = run(["resnet18", "--batch", "2", "--dtype", "float64"], capsys)
    assert f"Params size (MB): {11_689_512 * 8 / 1e6:,.2f}" in out64


@pytest.mark.parametrize("argv", [["vgg16", "--input-size", "3", "4000", "4000", "--batch", "64"],
                                  ["lenet5"], ["googlenet", "--aux"]])
def test_columns_stay_aligned_for_large_inputs(capsys, argv):
    rc, out = run(argv, capsys)
    lines = body(out)
    assert rc == 0 and len({len(li) for li in lines}) == 1, "rows of different widths"
    head = lines[0]
    for title in ("Param #", "Mult-Adds"):  # right-aligned numbers end under their title
        end = head.index(title) + len(title)
        assert all(re.match(r"[\d,-]", li[end - 1]) for li in lines[1:]), title


def test_the_counting_conventions_are_stated(capsys):
    _, out = run(["resnet18"], capsys)
    assert "bias additions not counted" in out and "batch norm 0 (torchinfo shows 2C per sample)" in out
    assert "running statistics are buffers" in out and "twice (value and gradient)" in out


def test_json_carries_the_new_totals(capsys):
    _, out = run(["lenet5", "--json", "--depth", "1"], capsys)
    doc = json.loads(out)
    assert doc["total"]["trainable_params"] == 60_000 and doc["total"]["non_trainable_params"] == 840
    assert set(doc["total"]["memory_bytes"]) == {"input", "forward_backward", "params", "total"}
    assert doc["conventions"]


def test_a_bad_depth_is_one_line(capsys):
    assert summary.main(["resnet18", "--depth", "0"]) == 2
    assert "--depth must be at least 1" in capsys.readouterr().err
