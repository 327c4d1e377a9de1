from chainkit.uscc import check_char, make_uscc, normalize_uscc, validate_uscc

# A code whose check character was computed by hand from GB 32100 weights
# weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28 over the first 17 characters.
REAL = "91370200264574251E"


def test_it_accepts_a_real_code_and_its_computed_check_char():
    assert validate_uscc(REAL) is None
    assert check_char(REAL[:17]) == "E"
    assert validate_uscc(normalize_uscc(" ９１３７０２００２６４５７４２５１ｅ ")) is None


def test_it_names_the_wrong_check_character():
    message = validate_uscc(REAL[:17] + "F")
    assert message == "统一社会信用代码第18位校验码错误：应为“E”，实际为“F”"


def test_it_names_the_wrong_length_and_illegal_characters():
    assert validate_uscc(REAL[:17]) == "统一社会信用代码应为18位，实际为17位"
    assert "第5位字符“I”" in validate_uscc("9137I200264574251E")


def test_it_makes_codes_that_validate():
    assert validate_uscc(make_uscc("91370281MA3C00001")) is None
