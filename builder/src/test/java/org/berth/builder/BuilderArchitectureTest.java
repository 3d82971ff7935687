package org.berth.builder;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The builder's own rule: its public API names no third-party type. (The module arrows are checked
 * for every module at once by the portal's LayeringTest.)
 */
class BuilderArchitectureTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.berth.builder");

  @Test
  void publicApiExposesNoDockerJgitOrJibTypes() {
    noClasses()
        .that()
        .resideInAPackage("org.berth.builder")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "com.github.dockerjava..", "org.eclipse.jgit..", "com.google.cloud.tools.jib..")
        .check(classes);
  }
}
