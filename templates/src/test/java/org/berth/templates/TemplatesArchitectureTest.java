package org.berth.templates;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module arrows of docs/architecture.md true: this module never reaches up. */
class TemplatesArchitectureTest {

  private final JavaClasses classes =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("org.berth.templates");

  @Test
  void doesNotDependOnModulesAboveIt() {
    noClasses()
        .that()
        .resideInAPackage("org.berth.templates..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.berth.portal..")
        .allowEmptyShould(true)
        .check(classes);
  }
}
