package org.berth.builder;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module arrows of docs/architecture.md true: this module never reaches up. */
class BuilderArchitectureTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.berth.builder");

  @Test
  void doesNotDependOnModulesAboveIt() {
    noClasses()
        .that()
        .resideInAPackage("org.berth.builder..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.berth.volumes..",
            "org.berth.launch..",
            "org.berth.sharing..",
            "org.berth.templates..",
            "org.berth.portal..")
        .allowEmptyShould(true)
        .check(classes);
  }

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
