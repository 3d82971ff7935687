package org.berth.launch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The servers domain's own rule: its public API names no Docker, Kubernetes or Micronaut type, so
 * back ends and wiring stay in sub-packages. (The module arrows are checked for every module at
 * once by the portal's LayeringTest.)
 */
class LaunchArchitectureTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.berth.launch");

  @Test
  void publicApiNamesNoBackEndOrFrameworkType() {
    noClasses()
        .that()
        .resideInAPackage("org.berth.launch")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "com.github.dockerjava..", "io.fabric8..", "io.micronaut..", "org.berth.launch.*..")
        .check(classes);
  }
}
