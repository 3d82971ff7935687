package org.berth.builder.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** .dockerignore patterns decide as the Docker CLI decides. */
class DockerIgnoreTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "*.csv|a.csv|true",
        "*.csv|data/a.csv|false",
        "**/*.csv|data/deep/a.csv|true",
        "**/*.csv|a.csv|true",
        "data|data/x/y.txt|true",
        "data/|data/y.txt|true",
        "/data|data|true",
        "./data|data|true",
        "data/*/raw|data/2024/raw/f|true",
        "data/*/raw|data/raw|false",
        "[a-c].txt|b.txt|true",
        "[a-c].txt|d.txt|false",
        "[^a].txt|b.txt|true",
        "?.txt|ab.txt|false",
        "notes.md|docs/notes.md|false",
        "docs/**|docs/a/b|true",
        "a\\*b|a*b|true",
        "a\\*b|axb|false"
      })
  void matches(String pattern, String path, boolean excluded) {
    assertEquals(excluded, DockerIgnore.parse(pattern).excludes(path), pattern + " on " + path);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"data/a.csv|true", "data/keep.csv|false", "data/b.txt|true", "other.txt|false"})
  void theLastMatchingPatternDecides(String path, boolean excluded) {
    DockerIgnore ignore = DockerIgnore.parse("# comment\n\ndata\n!data/keep.csv\n");
    assertEquals(excluded, ignore.excludes(path), path);
  }
}
