import pytest

from chainkit.csvio import decode_bytes
from chainkit.errors import InputError
from chainkit.text import normalize, parse_weights, split_list


def test_it_folds_width_case_brackets_and_spaces():
    assert normalize("ＡＢＣ 空调 压缩机（青岛）") == "abc空调压缩机(青岛)"
    assert normalize("【海尔】") == "(海尔)"
    assert normalize(None) == ""


def test_it_splits_lists_and_parses_weights():
    assert split_list(" 压缩机 | |电机") == ["压缩机", "电机"]
    assert parse_weights("0.5|0.25", 2) == [0.5, 0.25]
    assert parse_weights("", 3) == [None, None, None]
    with pytest.raises(ValueError, match="不一致"):
        parse_weights("0.5", 2)
    with pytest.raises(ValueError, match="不是数字"):
        parse_weights("abc|0.1", 2)


def test_it_decodes_utf8_bom_and_gbk_and_refuses_utf16():
    assert decode_bytes("\ufeff名称".encode()) == "名称"
    assert decode_bytes("名称,代码".encode("gbk")) == "名称,代码"
    with pytest.raises(InputError, match="UTF-16"):
        decode_bytes("名称".encode("utf-16"))
    with pytest.raises(InputError, match="空字节"):
        decode_bytes(b"ab\x00cd")
    with pytest.raises(InputError, match="无法识别文件编码"):
        decode_bytes(bytes(range(0x80, 0x100)) * 4)
