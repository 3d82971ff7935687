package org.berth.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "alice", "bob-2", "x9", "a-b-c"})
  void acceptsLowercaseLettersDigitsAndHyphensStartingWithALetter(String raw) {
    assertEquals(raw, UserName.parse(raw).value());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Alice",
        "9lives",
        "-x",
        "a_b",
        "a.b",
        "a/b",
        "../x",
        "a$",
        "bob-",
        "a--b",
        "élodie",
        "a b",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void refusesNamesThatBreakTheRule(String raw) {
    assertThrows(InvalidUserNameException.class, () -> UserName.parse(raw));
  }

  @Test
  void ignoresSurroundingBlanksOnly() {
    assertEquals("carol", UserName.parse("  carol ").value());
  }

  @Test
  void aNewAccountCannotTakeANameBerthUsesItself() {
    InvalidUserNameException e =
        assertThrows(InvalidUserNameException.class, () -> UserName.forNewAccount("visitor"));
    assertEquals(
        "'visitor' is a name Berth uses itself; choose another user name.", e.getMessage());
    assertEquals("visitors", UserName.forNewAccount("visitors").value());
  }
}
